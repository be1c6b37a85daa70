import ArgumentParser
import Foundation

/// The named arguments a command takes, by long name: whether each is a flag or an option
/// (and whether it repeats). Read from ArgumentParser's own description of the command, so
/// that the flags themselves stay the only definition of what a configuration file may set.
public struct ArgumentCatalog: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case flag
        case option(repeating: Bool)
    }

    /// Names that configure the configuration and never come from a file.
    static let reserved: Set<String> = ["config", "check-config", "help", "version"]

    public var arguments: [String: Kind]

    public init(arguments: [String: Kind]) {
        self.arguments = arguments
    }

    /// The catalog of `command`'s named arguments (option groups included).
    public init(_ command: any ParsableArguments.Type) {
        self.init(dumpedHelp: command._dumpHelp())
    }

    /// The catalog from ArgumentParser's JSON dump (`--experimental-dump-help`).
    init(dumpedHelp: String) {
        let info = try? JSONDecoder().decode(Dump.self, from: Data(dumpedHelp.utf8))
        var arguments: [String: Kind] = [:]
        for argument in info?.command.arguments ?? [] where argument.kind != "positional" {
            for name in argument.names ?? [] where name.kind == "long" && !Self.reserved.contains(name.name) {
                arguments[name.name] = argument.kind == "flag" ? .flag : .option(repeating: argument.isRepeating)
            }
        }
        self.arguments = arguments
    }

    public func knows(_ key: String) -> Bool { arguments[key] != nil }

    /// The command-line arguments for `entry`: `--key value` (repeated for an array), `--key` for
    /// a true flag and nothing for a false one; a problem for an unknown key or a wrong type.
    public func arguments(for entry: ConfigEntry, file: String) throws(ConfigProblem) -> [String] {
        let flag = "--" + entry.key
        switch (arguments[entry.key], entry.value) {
        case (nil, _):
            throw ConfigProblem(entry, file: file, message: "unknown key (not an option of this command)")
        case (.flag, .bool(let on)):
            return on ? [flag] : []
        case (.flag, _):
            throw ConfigProblem(entry, file: file, message: "is a flag: use true or false")
        case (.option, .bool):
            throw ConfigProblem(entry, file: file, message: "expects a value, not true or false")
        case (.option, .scalar(let value)):
            return [flag, value]
        case (.option(repeating: true), .list(let values)):
            return values.flatMap { [flag, $0] }
        case (.option(repeating: false), .list):
            throw ConfigProblem(entry, file: file, message: "takes one value, not an array")
        }
    }

    /// The part of ArgumentParser's JSON dump read here.
    private struct Dump: Decodable {
        struct Command: Decodable { var arguments: [Argument]? }
        struct Argument: Decodable {
            struct Name: Decodable {
                var kind: String
                var name: String
            }
            var kind: String
            var names: [Name]?
            var isRepeating: Bool
        }
        var command: Command
    }
}
