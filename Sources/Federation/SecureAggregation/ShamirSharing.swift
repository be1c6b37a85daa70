/// One holder's share of a secret: the holder's evaluation point and, for each
/// 7-byte chunk of the secret, the value of that chunk's polynomial there.
public struct ShamirShare: Codable, Sendable, Equatable {
    /// The evaluation point, non-zero.
    public var x: UInt64
    public var values: [UInt64]

    public init(x: UInt64, values: [UInt64]) {
        self.x = x
        self.values = values
    }
}

/// Shamir's t-of-n secret sharing of byte strings over GF(2^61 − 1): any
/// `threshold` shares reconstruct the secret; fewer reveal nothing about it.
public enum ShamirSharing {
    static let chunkBytes = 7

    /// Shares of `secret` for holders at the distinct non-zero points `points`,
    /// with random polynomials of degree `threshold − 1`.
    public static func split(
        _ secret: [UInt8], threshold: Int, points: [UInt64], using generator: inout some RandomNumberGenerator
    ) -> [ShamirShare] {
        precondition(threshold >= 1 && threshold <= points.count, "threshold must be in 1...holders")
        var shares = points.map { ShamirShare(x: $0, values: []) }
        for chunk in chunks(of: secret) {
            let coefficients = [chunk] + (1..<threshold).map { _ in PrimeField.random(using: &generator) }
            for index in shares.indices {
                shares[index].values.append(evaluate(coefficients, at: shares[index].x))
            }
        }
        return shares
    }

    /// The secret of `byteCount` bytes from at least `threshold` shares with distinct points
    /// (the first `threshold` are used).
    public static func combine(
        _ shares: [ShamirShare], threshold: Int, byteCount: Int
    ) throws(SecAggError) -> [UInt8] {
        let chunkCount = (byteCount + chunkBytes - 1) / chunkBytes
        guard shares.count >= threshold else {
            throw SecAggError(.tooFewShares, "\(shares.count) shares, threshold \(threshold)")
        }
        let used = Array(shares.prefix(threshold))
        let points = used.map(\.x)
        guard Set(points).count == points.count, !points.contains(0), points.allSatisfy({ $0 < PrimeField.modulus }),
            used.allSatisfy({ $0.values.count == chunkCount })
        else { throw SecAggError(.malformed, "shares with repeated or invalid points or wrong length") }
        let weights = lagrangeWeightsAtZero(points)
        var secret: [UInt8] = []
        secret.reserveCapacity(chunkCount * chunkBytes)
        for chunk in 0..<chunkCount {
            var value: UInt64 = 0
            for (share, weight) in zip(used, weights) {
                value = PrimeField.add(value, PrimeField.multiply(share.values[chunk], weight))
            }
            guard value >> (8 * chunkBytes) == 0 else {
                throw SecAggError(.malformed, "shares do not interpolate to a secret")
            }
            secret += (0..<chunkBytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        return Array(secret.prefix(byteCount))
    }

    /// The secret's bytes as little-endian 7-byte field elements (the last zero-padded).
    private static func chunks(of secret: [UInt8]) -> [UInt64] {
        stride(from: 0, to: secret.count, by: chunkBytes).map { start in
            secret[start..<min(start + chunkBytes, secret.count)].enumerated().reduce(UInt64(0)) {
                $0 | UInt64($1.element) << (8 * $1.offset)
            }
        }
    }

    /// Horner's rule for Σ cᵢ·xⁱ.
    private static func evaluate(_ coefficients: [UInt64], at x: UInt64) -> UInt64 {
        coefficients.reversed().reduce(UInt64(0)) { PrimeField.add(PrimeField.multiply($0, x), $1) }
    }

    /// λᵢ = Π_{j≠i} xⱼ / (xⱼ − xᵢ), so that f(0) = Σ λᵢ·f(xᵢ).
    private static func lagrangeWeightsAtZero(_ points: [UInt64]) -> [UInt64] {
        points.indices.map { i in
            var numerator: UInt64 = 1
            var denominator: UInt64 = 1
            for j in points.indices where j != i {
                numerator = PrimeField.multiply(numerator, points[j])
                denominator = PrimeField.multiply(denominator, PrimeField.subtract(points[j], points[i]))
            }
            return PrimeField.multiply(numerator, PrimeField.inverse(denominator))
        }
    }
}
