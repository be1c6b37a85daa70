import Foundation

/// Independent N(0, σ²) noise by the Box–Muller transform. For privacy, draw it
/// from a cryptographic generator (`CryptoRandom`).
public enum GaussianNoise {
    /// `values` plus independent N(0, standardDeviation²) noise on each element.
    public static func add(
        to values: [Float], standardDeviation: Double, using generator: inout some RandomNumberGenerator
    ) -> [Float] {
        guard standardDeviation > 0 else { return values }
        var noisy = values
        var index = 0
        while index < noisy.count {
            // u1 in (0, 1] keeps the logarithm finite.
            let u1 = 1 - Double(generator.next() >> 11) * 0x1p-53
            let u2 = Double(generator.next() >> 11) * 0x1p-53
            let radius = standardDeviation * (-2 * log(u1)).squareRoot()
            noisy[index] += Float(radius * cos(2 * .pi * u2))
            if index + 1 < noisy.count { noisy[index + 1] += Float(radius * sin(2 * .pi * u2)) }
            index += 2
        }
        return noisy
    }
}
