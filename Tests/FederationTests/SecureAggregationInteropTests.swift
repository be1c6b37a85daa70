import Crypto
import Testing

@testable import Federation

/// Test vectors computed independently in Python (`cryptography`: X25519, HKDF-SHA256,
/// AES-256-CTR from the counter block nonce ‖ 00000002), as docs/PROTOCOL.md states the
/// masks, so that a client in another language masks exactly as `SecAggClient` does.
@Suite struct SecureAggregationInteropTests {
    @Test func maskKeystreamIsAESCTRPerChunkNonce() {
        var words = [UInt32](repeating: 0, count: Keystream.chunkWords + 2)
        Keystream.accumulate(SymmetricKey(data: (0..<32).map(UInt8.init)), into: &words)
        #expect(Array(words.prefix(4)) == [3_736_452_110, 3_179_490_485, 900_311_048, 2_576_428_056])
        #expect(Array(words.suffix(3)) == [2_638_533_202, 1_065_495_778, 132_951_972])
    }

    @Test func selfMaskKeyIsHKDFOfTheSeed() {
        var words = [UInt32](repeating: 0, count: 2)
        Keystream.accumulate(SecAggCrypto.selfMaskKey(seed: [UInt8](repeating: 7, count: 32), round: 3), into: &words)
        #expect(words == [1_525_364_909, 3_131_707_764])
    }

    @Test func pairwiseMaskKeyIsHKDFOfTheX25519Secret() throws {
        let key = try SecAggCrypto.agreedKey(
            .pairwiseMask, privateKey: [UInt8](repeating: 1, count: 32),
            peerPublicKey: SecAggCrypto.publicKey(of: [UInt8](repeating: 2, count: 32)), round: 3)
        var words = [UInt32](repeating: 0, count: 2)
        Keystream.accumulate(key, into: &words)
        #expect(words == [4_005_465_574, 3_431_899_253])
    }
}
