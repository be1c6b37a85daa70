import Foundation
import Learning

/// Draws from the distributions the partitioners and Byzantine nodes need, from a
/// seeded generator so that every process computes the same values.
enum RandomDraws {
    /// A standard normal value (Box–Muller).
    static func normal(using generator: inout SeededGenerator) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        let u2 = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// A Gamma(shape, 1) value (Marsaglia–Tsang; boosted through shape + 1 below 1).
    static func gamma(shape: Double, using generator: inout SeededGenerator) -> Double {
        precondition(shape > 0, "gamma: shape \(shape) ≤ 0")
        if shape < 1 {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &generator)
            return gamma(shape: shape + 1, using: &generator) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = normal(using: &generator)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = Double.random(in: Double.ulpOfOne..<1, using: &generator)
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    /// Proportions over `count` categories drawn from a symmetric Dirichlet(α).
    static func dirichlet(alpha: Double, count: Int, using generator: inout SeededGenerator) -> [Double] {
        let draws = (0..<count).map { _ in gamma(shape: alpha, using: &generator) }
        let total = draws.reduce(0, +)
        return total > 0 ? draws.map { $0 / total } : Array(repeating: 1 / Double(count), count: count)
    }
}
