import FedzProtocol

/// The client public keys a CURVE server accepts (checked by the loop's ZAP authenticator).
///
/// File format, one entry a line: a Z85 public key, optionally followed by a name, a role
/// (`node`, `monitor` or `admin`; see `PeerRole`) and a `#` comment
/// (`<key> node-3 node  # lab machine`). Blank lines and lines starting with `#` are skipped. (`#` is a Z85 character, but never the first one of a key: it would overflow the
/// first 32-bit group.)
public struct AllowList: Sendable, Equatable {
    /// One accepted key, with its optional name.
    public struct Entry: Sendable, Equatable {
        public var publicKey: String
        public var name: String?
        /// The role given on the line, if any (see `role(of:)`).
        public var role: PeerRole?

        public init(publicKey: String, name: String? = nil, role: PeerRole? = nil) {
            self.publicKey = publicKey
            self.name = name
            self.role = role
        }
    }

    /// The entries in file order, without duplicates.
    public private(set) var entries: [Entry] = []
    private var names: [String: String?] = [:]
    /// Role by the id each key authenticates as.
    private var roles: [String: PeerRole] = [:]

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
            let role = name == nil ? nil : rest.first.flatMap(PeerRole.init(rawValue:))
            if role != nil { rest = rest.dropFirst() }
            if let extra = rest.first, !extra.hasPrefix("#") {
                throw CurveKeyError(source: source, line: number, reason: .unexpectedText(rest.joined(separator: " ")))
            }
            firstLine[key] = number
            append(Entry(publicKey: key, name: name, role: role))
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

    /// The role of the key that authenticates as `id` (its name, or the key itself when
    /// unnamed): the role on its line, else the one its name implies; nil if no key speaks for `id`.
    public func role(of id: String) -> PeerRole? {
        roles[id]
    }

    private mutating func append(_ entry: Entry) {
        entries.append(entry)
        names[entry.publicKey] = .some(entry.name)
        let id = entry.name ?? entry.publicKey
        if roles[id] == nil { roles[id] = entry.role ?? PeerRole.implied(by: id) }
    }
}
