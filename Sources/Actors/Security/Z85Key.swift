import CZMQ

/// Z85 text of 32-byte CURVE keys (ZeroMQ RFC 32). Pure functions: no context or socket involved.
enum Z85Key {
    static let length = 40

    /// Whether `text` is a 40-character Z85 key, else the reason.
    static func problem(with text: String) -> CurveKeyError.Reason? {
        guard text.utf8.count == length else { return .wrongLength(text.count) }
        var bytes = [UInt8](repeating: 0, count: 32)
        return zmq_z85_decode(&bytes, text) == nil ? .invalidZ85 : nil
    }

    /// The Z85 text of 32 binary key bytes.
    static func encode(_ key: some Collection<UInt8>) -> String? {
        guard key.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: length + 1)
        let binary = Array(key)
        guard zmq_z85_encode(&text, binary, binary.count) != nil else { return nil }
        return String(nulTerminated: text)
    }
}

extension String {
    /// The text of a NUL-terminated C buffer (the part before the first NUL).
    init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
