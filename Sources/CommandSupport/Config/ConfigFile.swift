import Foundation
import TOMLKit

/// A fedz configuration file (TOML). Keys are the long flag names without `--`. Top-level
/// keys are shared: each command takes those it knows. A table per command — `[run]`,
/// `[coordinator]`, `[monitor]`, `[node]` — holds keys for that command only, and they
/// override shared ones.
public struct ConfigFile: Sendable, Equatable {
    /// The tables a file may have, one per configurable command.
    public static let sections = ["run", "coordinator", "monitor", "node"]

    public var path: String
    /// Top-level keys, in file order.
    public var shared: [ConfigEntry]
    /// Each table's keys, in file order.
    public var sections: [String: [ConfigEntry]]

    /// Reads and parses the file at `path`.
    public init(path: String) throws(ConfigProblem) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigProblem(file: path, message: "cannot read: \(error.localizedDescription)")
        }
        try self.init(text: text, path: path)
    }

    /// Parses `text`; syntax errors, unknown tables and values that are neither a string,
    /// a number, a boolean nor an array of those are problems with their line.
    public init(text: String, path: String) throws(ConfigProblem) {
        let table = try Self.table(text, path: path)
        let lines = KeyLines(text)
        self.path = path
        shared = []
        sections = [:]
        for key in table.keys {
            guard let value = table[key] else { continue }
            if value.type == .table, let section = value.table {
                guard Self.sections.contains(key) else {
                    throw ConfigProblem(
                        file: path, line: lines.line(of: key, in: nil), key: key,
                        message: "unknown table [\(key)]; known: \(Self.sections.map { "[\($0)]" }.joined(separator: ", "))")
                }
                var entries: [ConfigEntry] = []
                for name in section.keys {
                    guard let value = section[name] else { continue }
                    entries.append(try entry(name, value, section: key, line: lines.line(of: name, in: key)))
                }
                sections[key] = entries.sorted { $0.line < $1.line }
            } else {
                shared.append(try entry(key, value, section: nil, line: lines.line(of: key, in: nil)))
            }
        }
        shared.sort { $0.line < $1.line }
    }

    /// `text` (read from `path`) as TOML; a syntax error is a problem with its line.
    public static func table(_ text: String, path: String) throws(ConfigProblem) -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigProblem(file: path, line: error.source.begin.line, message: error.description)
        } catch {
            throw ConfigProblem(file: path, message: "\(error)")
        }
    }

    /// The keys a command with table `section` reads: the shared ones it `knows`, then its table's.
    public func entries(for section: String, knows: (String) -> Bool) -> [ConfigEntry] {
        shared.filter { knows($0.key) } + (sections[section] ?? [])
    }

    private func entry(_ key: String, _ value: any TOMLValueConvertible, section: String?, line: Int) throws(ConfigProblem) -> ConfigEntry {
        let problem = ConfigProblem(
            file: path, line: line, section: section, key: key,
            message: "expected a string, a number, a boolean or an array of those")
        let converted: ConfigValue
        if value.type == .bool, let bool = value.bool {
            converted = .bool(bool)
        } else if let scalar = Self.scalar(value) {
            converted = .scalar(scalar)
        } else if value.type == .array, let array = value.array {
            var items: [String] = []
            for item in array {
                guard let scalar = Self.scalar(item) else { throw problem }
                items.append(scalar)
            }
            converted = .list(items)
        } else {
            throw problem
        }
        return ConfigEntry(section: section, key: key, value: converted, line: line)
    }

    private static func scalar(_ value: any TOMLValueConvertible) -> String? {
        switch value.type {
        case .string: value.string
        case .int: value.int.map(String.init)
        case .double: value.double.map { "\($0)" }
        default: nil
        }
    }
}

/// One `key = value` of a configuration file.
public struct ConfigEntry: Sendable, Equatable {
    /// The table it is in; nil for a shared, top-level key.
    public var section: String?
    public var key: String
    public var value: ConfigValue
    public var line: Int
}

/// A configuration value as command-line text.
public enum ConfigValue: Sendable, Equatable {
    case bool(Bool)
    case scalar(String)
    case list([String])
}

/// The line of each key in a TOML text (TOMLKit gives positions only for syntax errors):
/// `key =` lines under `[table]` headers (a table's own line is its header's), skipping
/// multi-line strings.
struct KeyLines {
    private var lines: [String: Int] = [:]

    init(_ text: String) {
        var table: String?
        var inString: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let delimiter = inString {
                if line.contains(delimiter) { inString = nil }
                continue
            }
            if line.hasPrefix("["), !line.hasPrefix("[["), let end = line.firstIndex(of: "]") {
                let name = Self.unquote(line[line.index(after: line.startIndex)..<end])
                if lines[name] == nil { lines[name] = index + 1 }
                table = name
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = Self.unquote(line[..<equals])
                let name = (table.map { $0 + "." } ?? "") + key
                if lines[name] == nil { lines[name] = index + 1 }
                let value = line[line.index(after: equals)...]
                for delimiter in ["\"\"\"", "'''"] where value.components(separatedBy: delimiter).count == 2 {
                    inString = delimiter
                }
            }
        }
    }

    /// The 1-based line of `key` in `table` (nil: top level); 0 when not found.
    func line(of key: String, in table: String?) -> Int {
        lines[(table.map { $0 + "." } ?? "") + key] ?? 0
    }

    private static func unquote(_ text: Substring) -> String {
        text.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
    }
}
