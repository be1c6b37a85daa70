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

    /// Shares of `secret` for holders at the points `points`, with random polynomials of
    /// degree `threshold − 1`. Throws `.invalidConfig` unless the points are distinct,
    /// non-zero field elements (at 0 a share would be the secret itself) and
    /// `threshold` is in 1...holders.
    public static func split(
        _ secret: [UInt8], threshold: Int, points: [UInt64], using generator: inout some RandomNumberGenerator
    ) throws(SecAggError) -> [ShamirShare] {
        if let problem = problem(with: points) { throw SecAggError(.invalidConfig, "holders' points: \(problem)") }
        guard threshold >= 1, threshold <= points.count else {
            throw SecAggError(.invalidConfig, "threshold \(threshold) for \(points.count) holders")
        }
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
        if let problem = problem(with: used.map(\.x)) { throw SecAggError(.malformed, "shares: \(problem)") }
        guard used.allSatisfy({ $0.values.count == chunkCount }) else {
            throw SecAggError(.malformed, "shares of the wrong length, \(chunkCount) values expected")
        }
        let weights = lagrangeWeightsAtZero(used.map(\.x))
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

    /// Why `points` cannot be the holders' points — repeated, zero or not below the
    /// modulus — or nil if they can.
    private static func problem(with points: [UInt64]) -> String? {
        if let point = points.first(where: { $0 == 0 || $0 >= PrimeField.modulus }) {
            return "point \(point) outside 1..<2^61 − 1"
        }
        return Set(points).count == points.count ? nil : "repeated points"
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
