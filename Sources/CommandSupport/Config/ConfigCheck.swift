import ArgumentParser

/// Turns a configuration file into a command's arguments and checks them with the command's
/// own parser, blaming each error on the key (and line) it names.
public enum ConfigCheck {
    /// The arguments `file` gives `command`, to be placed before the command-line ones so that
    /// flags override the file; with the entries they came from, or the entries' problems.
    public static func arguments(
        _ command: any ConfigurableCommand.Type, file: ConfigFile
    ) -> (arguments: [String], entries: [ConfigEntry], problems: [ConfigProblem]) {
        let catalog = ArgumentCatalog(command)
        var arguments: [String] = [], entries: [ConfigEntry] = [], problems: [ConfigProblem] = []
        for entry in file.entries(for: command.configSection, knows: catalog.knows) {
            do {
                arguments += try catalog.arguments(for: entry, file: file.path)
                entries.append(entry)
            } catch {
                problems.append(error)
            }
        }
        return (arguments, entries, problems)
    }

    /// Every problem of `file` for `command` run with `commandLine`: unknown keys and wrong
    /// types, then whatever the command's parser and validation reject, one key at a time.
    public static func report(_ command: any ConfigurableCommand.Type, file: ConfigFile, commandLine: [String] = []) -> ConfigReport {
        let catalog = ArgumentCatalog(command)
        var (_, entries, problems) = arguments(command, file: file)
        while true {
            let arguments = entries.flatMap { (try? catalog.arguments(for: $0, file: file.path)) ?? [] } + commandLine
            do {
                _ = try command.parse(arguments)
                break
            } catch {
                let message = command.message(for: error)
                guard let index = blamed(message, among: entries) else {
                    problems.append(ConfigProblem(file: file.path, section: command.configSection, message: message))
                    break
                }
                problems.append(ConfigProblem(entries.remove(at: index), file: file.path, message: message))
            }
        }
        return ConfigReport(problems: problems, knownSharedKeys: file.shared.map(\.key).filter(catalog.knows))
    }

    /// The index of the entry whose `--key` an error message names first.
    public static func blamed(_ message: String, among entries: [ConfigEntry]) -> Int? {
        let named = entries.indices.compactMap { index -> (Int, String.Index)? in
            var rest = message[...]
            while let range = rest.range(of: "--" + entries[index].key) {
                let next = message[range.upperBound...].first
                if next.map({ !($0.isLetter || $0.isNumber || $0 == "-") }) ?? true { return (index, range.lowerBound) }
                rest = message[range.upperBound...]
            }
            return nil
        }
        return named.min { $0.1 < $1.1 }?.0
    }
}
