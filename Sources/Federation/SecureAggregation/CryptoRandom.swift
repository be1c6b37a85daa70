import Crypto

/// A cryptographically secure random number generator: the AES-CTR keystream of a
/// 32-byte seed. Seeded from the system generator for real use, from a fixed seed
/// for reproducible tests. Every random choice of secure aggregation (key pairs,
/// self-mask seeds, Shamir polynomials, nonces, stochastic rounding) draws from one.
public struct CryptoRandom: RandomNumberGenerator, Sendable {
    private let seed: [UInt8]
    private var nextBlock: UInt64 = 0
    private var buffer: [UInt64] = []
    private var position = 0

    /// A generator whose output is fixed by the 32 bytes of `seed`.
    public init(seed: [UInt8]) {
        precondition(seed.count == 32, "a CryptoRandom seed has 32 bytes")
        self.seed = seed
    }

    /// A generator seeded from the operating system's random source.
    public init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &system) })
    }

    /// `count` bytes from this generator, e.g. a secret key or another generator's seed.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    public mutating func next() -> UInt64 {
        if position == buffer.count {
            let block = Keystream.block(SymmetricKey(data: seed), nonce: nextBlock, bytes: 4096)
            buffer = block.withUnsafeBytes { raw in
                (0..<512).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)) }
            }
            nextBlock += 1
            position = 0
        }
        defer { position += 1 }
        return buffer[position]
    }
}
