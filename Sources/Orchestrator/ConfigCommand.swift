import ArgumentParser
import CommandSupport
import Foundation

/// `fedz config check FILE`: validates a configuration file for every command that reads it.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with fedz configuration files (TOML).", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration file: syntax, unknown keys, wrong types and values, each with its line.",
            discussion: """
                Each command is checked with the keys it would read; problems of a whole command (a missing \
                option, a rule between options) are reported for the commands the file has a table for, or \
                for all when it has none. The [node] table is checked by the fedz-node executable next to \
                this one (with --id node-0).
                """)

        @Argument(help: "The TOML file.")
        var file: String

        func run() throws {
            let config: ConfigFile
            do {
                config = try ConfigFile(path: file)
            } catch {
                print("error: \(error)")
                throw ExitCode(1)
            }
            let reports = [RunCommand.self, CoordinatorCommand.self, MonitorCommand.self].map {
                ($0.configSection, ConfigCheck.report($0, file: config))
            } + [("node", nodeReport())]
            let known = Set(reports.flatMap(\.1.knownSharedKeys))
            let unknown = config.shared.filter { !known.contains($0.key) }.map {
                ConfigProblem($0, file: file, message: "unknown key: no command takes it")
            }
            // Problems of the whole command (no line) count for the commands the file has a table for (all if none).
            let checked = config.sections.isEmpty ? Set(ConfigFile.sections) : Set(config.sections.keys)
            let found = reports.flatMap { section, report in report.problems.filter { $0.line != nil || checked.contains(section) } }
            var seen = Set<String>()
            let problems = (found + unknown)
                .filter { problem in seen.insert(problem.line.map { "\($0) \(problem.key ?? "")" } ?? problem.description).inserted }
                .sorted { ($0.line ?? .max) < ($1.line ?? .max) }
            guard problems.isEmpty else {
                problems.forEach { print("error: \($0)") }
                throw ExitCode(1)
            }
            let tables = config.sections.keys.sorted().map { "[\($0)]" }.joined(separator: ", ")
            print("\(file): ok (\(config.shared.count) shared key(s)\(tables.isEmpty ? "" : "; " + tables))")
        }

        /// The `[node]` check, run by `fedz-node --check-config` (its flags live in that executable).
        private func nodeReport() -> ConfigReport {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ExecutableLocation.sibling("fedz-node"))
            process.arguments = ["--config", file, "--check-config", "--id", "node-0"]
            let output = Pipe()
            process.standardOutput = output
            do {
                try process.run()
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return try JSONDecoder().decode(ConfigReport.self, from: data)
            } catch {
                let problem = ConfigProblem(file: file, section: "node", message: "could not check with fedz-node: \(error)")
                return ConfigReport(problems: [problem], knownSharedKeys: [])
            }
        }
    }
}
