import ArgumentParser
import Foundation

/// The entry point of the fedz executables: expands `--config FILE` into arguments placed
/// before the command line's (ArgumentParser keeps the last value of a repeated option, so
/// flags override the file), then parses and runs as ArgumentParser's own `main` does. With
/// `--check-config` it prints the file's `ConfigReport` for the command as JSON and exits.
public enum ConfiguredMain {
    public static func run<Root: AsyncParsableCommand>(_ root: Root.Type) async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let (command, start) = target(root, arguments), let path = configPath(arguments) else {
            await Root.main(arguments)
            return
        }
        let file: ConfigFile
        do {
            file = try ConfigFile(path: path)
        } catch {
            fail([error])
        }
        if arguments.contains("--check-config") {
            let report = ConfigCheck.report(command, file: file, commandLine: Array(arguments[start...]))
            FileHandle.standardOutput.write((try? JSONEncoder().encode(report)) ?? Data())
            exit(0)
        }
        let expansion = ConfigCheck.arguments(command, file: file)
        guard expansion.problems.isEmpty else { fail(expansion.problems) }
        arguments.insert(contentsOf: expansion.arguments, at: start)

        var parsed: any ParsableCommand
        do {
            parsed = try await Root.asyncParseAsRoot(arguments)
        } catch {
            if let index = ConfigCheck.blamed(Root.message(for: error), among: expansion.entries) {
                let entry = expansion.entries[index]
                FileHandle.standardError.write(Data("note: \(entry.key) is set in \(path):\(entry.line)\n".utf8))
            }
            Root.exit(withError: error)
        }
        do {
            if var command = parsed as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try parsed.run()
            }
        } catch {
            Root.exit(withError: error)
        }
    }

    /// The configurable command the arguments run and where its arguments start: the root
    /// itself, or the subcommand they name (else the default one).
    static func target(_ root: any ParsableCommand.Type, _ arguments: [String]) -> (any ConfigurableCommand.Type, Int)? {
        if let command = root as? any ConfigurableCommand.Type { return (command, 0) }
        let configuration = root.configuration
        if let name = arguments.first, let named = configuration.subcommands.first(where: { $0._commandName == name }) {
            return (named as? any ConfigurableCommand.Type).map { ($0, 1) }
        }
        return (configuration.defaultSubcommand as? any ConfigurableCommand.Type).map { ($0, 0) }
    }

    /// The value of `--config FILE` or `--config=FILE` (before any `--`).
    static func configPath(_ arguments: [String]) -> String? {
        for (index, argument) in arguments.prefix(while: { $0 != "--" }).enumerated() {
            if argument == "--config", index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix("--config=") { return String(argument.dropFirst("--config=".count)) }
        }
        return nil
    }

    private static func fail(_ problems: [ConfigProblem]) -> Never {
        FileHandle.standardError.write(Data(problems.map { "error: \($0)\n" }.joined().utf8))
        exit(64)
    }
}
