import Crypto
import Foundation

/// The key agreement, key derivation and share sealing of secure aggregation:
/// X25519, then HKDF-SHA256 salted with the round and labelled by purpose, then
/// ChaChaPoly for shares and AES-CTR (`Keystream`) for masks.
enum SecAggCrypto {
    /// Bytes of a private key and of a self-mask seed.
    static let secretBytes = 32

    enum Purpose: String {
        case shareEncryption = "share-encryption"
        case pairwiseMask = "pairwise-mask"
        case selfMask = "self-mask"
    }

    /// The raw public key of a raw X25519 private key.
    static func publicKey(of privateKey: [UInt8]) -> [UInt8] {
        Array(agreementKey(privateKey).publicKey.rawRepresentation)
    }

    /// The key two clients agree for `purpose` in `round` from one's private key and
    /// the other's public key.
    static func agreedKey(
        _ purpose: Purpose, privateKey: [UInt8], peerPublicKey: [UInt8], round: Int
    ) throws(SecAggError) -> SymmetricKey {
        let secret: SharedSecret
        do {
            let peer = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: peerPublicKey)
            secret = try agreementKey(privateKey).sharedSecretFromKeyAgreement(with: peer)
        } catch {
            throw SecAggError(.badKey, "key agreement failed: \(error)")
        }
        return secret.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: salt(round), sharedInfo: Array(purpose.rawValue.utf8), outputByteCount: 32)
    }

    /// The key that expands a client's self-mask seed.
    static func selfMaskKey(seed: [UInt8], round: Int) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: seed), salt: salt(round),
            info: Array(Purpose.selfMask.rawValue.utf8), outputByteCount: 32)
    }

    /// Seals the shares of one client's self-mask seed and masking key for one neighbour.
    static func seal(
        seedShare: ShamirShare, keyShare: ShamirShare, from: Int, to: Int, round: Int, key: SymmetricKey,
        using generator: inout some RandomNumberGenerator
    ) -> SecAggEncryptedShare {
        let plaintext = (seedShare.values + keyShare.values).flatMap { value in
            (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        let nonceBytes = (0..<12).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        // A 12-byte nonce and a 32-byte key are always accepted.
        let box = try! ChaChaPoly.seal(
            plaintext, using: key, nonce: try! ChaChaPoly.Nonce(data: nonceBytes),
            authenticating: associatedData(from: from, to: to, round: round))
        return SecAggEncryptedShare(from: from, to: to, ciphertext: Array(box.combined))
    }

    /// Opens a sealed share addressed to the holder at point `x`; throws
    /// `.undecryptableShare` if it was altered, misaddressed or sealed under another key.
    static func open(
        _ sealed: SecAggEncryptedShare, round: Int, key: SymmetricKey, x: UInt64
    ) throws(SecAggError) -> (seed: ShamirShare, key: ShamirShare) {
        let plaintext: Data
        do {
            let box = try ChaChaPoly.SealedBox(combined: sealed.ciphertext)
            plaintext = try ChaChaPoly.open(
                box, using: key, authenticating: associatedData(from: sealed.from, to: sealed.to, round: round))
        } catch {
            throw SecAggError(.undecryptableShare, "share from \(sealed.from) to \(sealed.to): \(error)")
        }
        let chunks = (secretBytes + ShamirSharing.chunkBytes - 1) / ShamirSharing.chunkBytes
        let bytes = Array(plaintext)
        guard bytes.count == 2 * chunks * 8 else {
            throw SecAggError(.malformed, "share from \(sealed.from) has \(bytes.count) bytes")
        }
        let values = (0..<2 * chunks).map { index in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[8 * index + $1]) << (8 * $1) }
        }
        return (ShamirShare(x: x, values: Array(values[..<chunks])), ShamirShare(x: x, values: Array(values[chunks...])))
    }

    /// Whether `client` subtracts (rather than adds) the mask it shares with `peer`:
    /// the lower id adds it and the higher subtracts it, so the pair cancels in the sum.
    static func subtractsPairwiseMask(client: Int, peer: Int) -> Bool { client > peer }

    private static func agreementKey(_ raw: [UInt8]) -> Curve25519.KeyAgreement.PrivateKey {
        // Any 32 bytes are a valid X25519 private key; callers hold 32-byte secrets only.
        try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
    }

    private static func salt(_ round: Int) -> [UInt8] { Array("fedz/secagg/1/round/\(round)".utf8) }

    private static func associatedData(from: Int, to: Int, round: Int) -> [UInt8] {
        Array("fedz/secagg/1/share/\(round)/\(from)/\(to)".utf8)
    }
}
