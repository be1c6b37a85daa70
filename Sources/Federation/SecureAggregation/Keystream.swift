import Crypto
import Foundation

/// AES-256 in counter mode as a cryptographic pseudo-random generator: the AES-GCM
/// ciphertext of zeros is the AES-CTR keystream (the tag is dropped). The stream of a
/// key is cut into chunks of `chunkWords` words, chunk `c` under the 96-bit nonce `c`.
enum Keystream {
    static let chunkWords = 16_384
    private static let zeros = [UInt8](repeating: 0, count: chunkWords * 4)

    /// Adds (or, if `negated`, subtracts) the first `values.count` keystream words of
    /// `key`, read little-endian, to `values` modulo 2^32.
    static func accumulate(_ key: SymmetricKey, negated: Bool = false, into values: inout [UInt32]) {
        let count = values.count
        values.withUnsafeMutableBufferPointer { target in
            var offset = 0
            var chunk: UInt64 = 0
            while offset < count {
                let length = min(chunkWords, count - offset)
                let stream = block(key, nonce: chunk, bytes: length * 4)
                stream.withUnsafeBytes { raw in
                    for index in 0..<length {
                        let word = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
                        if negated { target[offset + index] &-= word } else { target[offset + index] &+= word }
                    }
                }
                offset += length
                chunk += 1
            }
        }
    }

    /// `bytes` (at most `4·chunkWords`) keystream bytes of `key` under nonce `nonce`.
    static func block(_ key: SymmetricKey, nonce: UInt64, bytes: Int) -> Data {
        var nonceBytes = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 { nonceBytes[index] = UInt8(truncatingIfNeeded: nonce >> (8 * index)) }
        // The nonce is 12 bytes and the key 32, which AES-GCM always accepts.
        let box = try! AES.GCM.seal(zeros[0..<bytes], using: key, nonce: try! AES.GCM.Nonce(data: nonceBytes))
        return box.ciphertext
    }
}
