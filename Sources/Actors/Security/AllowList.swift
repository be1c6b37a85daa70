/// The client public keys a CURVE server accepts (checked by the loop's ZAP authenticator).
///
/// File format, one entry a line: a Z85 public key, optionally followed by a name and a
/// `#` comment (`<key> node-3  # lab machine`). Blank lines and lines starting with `#` are
/// skipped. (`#` is a Z85 character, but never the first one of a key: it would overflow the
/// first 32-bit group.)
public struct AllowList: Sendable, Equatable {
    /// One accepted key, with its optional name.
    public struct Entry: Sendable, Equatable {
        public var publicKey: String
        public var name: String?

        public init(publicKey: String, name: String? = nil) {
            self.publicKey = publicKey
            self.name = name
        }
    }

    /// The entries in file order, without duplicates.
    public private(set) var entries: [Entry] = []
    private var names: [String: String?] = [:]

    /// An allow-list of unnamed keys; throws for any key that is not a 40-character Z85 key.
    public init(publicKeys: some Sequence<String>) throws(CurveKeyError) {
        for key in publicKeys where names[key] == nil {
            try CurveKeyPair.validatePublicKey(key)
            append(Entry(publicKey: key))
        }
    }

    /// Parses the allow-list format; errors carry `source` and the 1-based line number.
    public init(parsing text: String, source: String = "allow-list") throws(CurveKeyError) {
        var firstLine: [String: Int] = [:]
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let key = words.first, !key.hasPrefix("#") else { continue }
            if let problem = Z85Key.problem(with: key) {
                throw CurveKeyError(source: source, line: number, reason: problem)
            }
            if let first = firstLine[key] {
                throw CurveKeyError(source: source, line: number, reason: .duplicateKey(firstLine: first))
            }
            var rest = words.dropFirst()
            let name = rest.first.flatMap { $0.hasPrefix("#") ? nil : $0 }
            if name != nil { rest = rest.dropFirst() }
            if let extra = rest.first, !extra.hasPrefix("#") {
                throw CurveKeyError(source: source, line: number, reason: .unexpectedText(rest.joined(separator: " ")))
            }
            firstLine[key] = number
            append(Entry(publicKey: key, name: name))
        }
    }

    /// Reads and parses the allow-list file at `path`.
    public static func load(path: String) throws(CurveKeyError) -> AllowList {
        try AllowList(parsing: KeyFile.read(at: path), source: path)
    }

    /// Whether `publicKey` (Z85) is accepted.
    public func contains(_ publicKey: String) -> Bool { names[publicKey] != nil }

    /// The name listed with `publicKey`, if it is listed with one.
    public func name(of publicKey: String) -> String? { names[publicKey] ?? nil }

    private mutating func append(_ entry: Entry) {
        entries.append(entry)
        names[entry.publicKey] = .some(entry.name)
    }
}
