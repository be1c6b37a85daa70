import Crypto
import Foundation

/// Reads data files only after checking their SHA-256.
enum VerifiedFile {
    /// The contents of `path`; throws `.missingFile` or `.checksumMismatch`.
    static func contents(of path: String, sha256 expected: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LearningError(.missingFile(path: path))
        }
        let actual = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        guard actual == expected else {
            throw LearningError(.checksumMismatch(path: path, expected: expected, actual: actual))
        }
        return data
    }
}
