import Glibc

/// A key or allow-list file (or text) that could not be read, written or parsed; names the file,
/// and the line for allow-lists.
public struct CurveKeyError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was wrong.
    public enum Reason: Sendable, Equatable {
        /// The file does not exist.
        case missing
        /// A system call failed (`errno`), e.g. permission denied or no such directory.
        case system(operation: String, code: Int32)
        /// The key is not 40 characters long (the count found).
        case wrongLength(Int)
        /// The key is 40 characters but not valid Z85.
        case invalidZ85
        /// The public key file does not belong to the secret key next to it.
        case publicKeyMismatch
        /// An allow-list line has text after the key and its name.
        case unexpectedText(String)
        /// An allow-list lists the same key twice; the line of the first occurrence.
        case duplicateKey(firstLine: Int)
        /// A secret key file others may read or write (its permission bits).
        case readableByOthers(mode: mode_t)
    }

    /// The file path, or a label for text that did not come from a file.
    public var source: String
    /// 1-based line number, for allow-lists.
    public var line: Int?
    public var reason: Reason

    public init(source: String, line: Int? = nil, reason: Reason) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    public var description: String {
        let location = line.map { "\(source):\($0)" } ?? source
        return "\(location): \(reason)"
    }
}

extension CurveKeyError.Reason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .missing: "file not found"
        case .system(let operation, let code): "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .wrongLength(let count): "a CURVE key is 40 Z85 characters, found \(count)"
        case .invalidZ85: "not a valid Z85 key"
        case .publicKeyMismatch: "the public key does not match the secret key"
        case .unexpectedText(let text): "unexpected text after the key and name: \"\(text)\""
        case .duplicateKey(let firstLine): "duplicate key, first listed on line \(firstLine)"
        case .readableByOthers(let mode): "a secret key others may read (mode 0\(String(mode, radix: 8))): chmod 600 it"
        }
    }
}
