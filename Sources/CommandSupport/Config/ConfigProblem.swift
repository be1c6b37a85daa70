/// Something wrong in a configuration file, located by line, table and key where known:
/// `cluster.toml:7: [node] clients: The value 'many' is invalid for '--clients <clients>'`.
public struct ConfigProblem: Error, Sendable, Codable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; nil when the problem has no single line (a whole-command validation).
    public var line: Int?
    public var section: String?
    public var key: String?
    public var message: String

    public init(file: String, line: Int? = nil, section: String? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.section = section
        self.key = key
        self.message = message
    }

    public init(_ entry: ConfigEntry, file: String, message: String) {
        self.init(file: file, line: entry.line, section: entry.section, key: entry.key, message: message)
    }

    public var description: String {
        let place = [file, line.map(String.init)].compactMap { $0 }.joined(separator: ":")
        let key = [section.map { "[\($0)]" }, key].compactMap { $0 }.joined(separator: " ")
        return "\(place): " + (key.isEmpty ? "" : "\(key): ") + message
    }
}

/// What checking a file against one command found: its problems, and which shared
/// (top-level) keys the command takes — a shared key no command takes is unknown.
public struct ConfigReport: Sendable, Codable, Equatable {
    public var problems: [ConfigProblem]
    public var knownSharedKeys: [String]

    public init(problems: [ConfigProblem], knownSharedKeys: [String]) {
        self.problems = problems
        self.knownSharedKeys = knownSharedKeys
    }
}
