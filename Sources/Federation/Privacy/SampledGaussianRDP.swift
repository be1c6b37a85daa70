import Foundation

/// Rényi differential privacy of the Poisson-subsampled Gaussian mechanism
/// (Mironov, Talwar, Zhang 2019, arXiv 1908.10530): the RDP at order α of one
/// step with sampling rate q and noise multiplier σ (noise std / L2 sensitivity)
/// is log(A_α) / (α − 1), with A_α summed in log space — exactly for integer α,
/// by the two-sided series of §3.3 for fractional α. The fractional series adds
/// the terms' absolute values, as dp-accounting 0.6 does: an upper bound.
public enum SampledGaussianRDP {
    /// RDP at `order` (> 1) of one step; +∞ where it diverges or does not converge.
    public static func rdp(samplingRate q: Double, noiseMultiplier sigma: Double, order alpha: Double) -> Double {
        precondition((0...1).contains(q) && sigma >= 0 && alpha > 1, "q in [0, 1], σ ≥ 0, α > 1")
        if q == 0 { return 0 }
        if sigma == 0 || alpha.isInfinite { return .infinity }
        if q == 1 { return alpha / (2 * sigma * sigma) }
        let logA = alpha == alpha.rounded() ? logAInteger(q, sigma, Int(alpha)) : logAFractional(q, sigma, alpha)
        return logA / (alpha - 1)
    }

    private static func logAInteger(_ q: Double, _ sigma: Double, _ alpha: Int) -> Double {
        var logA = -Double.infinity
        for i in 0...alpha {
            let k = Double(i)
            let term = logBinomial(Double(alpha), k) + k * log(q) + (Double(alpha) - k) * log1p(-q)
                + (k * k - k) / (2 * sigma * sigma)
            logA = logAdd(logA, term)
        }
        return logA
    }

    private static func logAFractional(_ q: Double, _ sigma: Double, _ alpha: Double) -> Double {
        var logA0 = -Double.infinity
        var logA1 = -Double.infinity
        var lastS0 = -Double.infinity
        var lastS1 = -Double.infinity
        let z0 = sigma * sigma * log(1 / q - 1) + 0.5
        for step in 0..<1_000 {
            let i = Double(step)
            let j = alpha - i
            let coefficient = logBinomial(alpha, i)
            let t0 = coefficient + i * log(q) + j * log1p(-q)
            let t1 = coefficient + j * log(q) + i * log1p(-q)
            let e0 = log(0.5) + logErfc((i - z0) / (2.0.squareRoot() * sigma))
            let e1 = log(0.5) + logErfc((z0 - j) / (2.0.squareRoot() * sigma))
            let s0 = t0 + (i * i - i) / (2 * sigma * sigma) + e0
            let s1 = t1 + (j * j - j) / (2 * sigma * sigma) + e1
            logA0 = logAdd(logA0, s0)
            logA1 = logAdd(logA1, s1)
            let total = logAdd(logA0, logA1)
            if s0 < lastS0, s1 < lastS1, max(s0, s1) < total - 30 { return total }
            lastS0 = s0
            lastS1 = s1
        }
        return .infinity
    }

    /// log |C(n, k)| for real n.
    private static func logBinomial(_ n: Double, _ k: Double) -> Double {
        lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
    }

    private static func logAdd(_ x: Double, _ y: Double) -> Double {
        let (low, high) = (min(x, y), max(x, y))
        return low == -.infinity ? high : log1p(exp(low - high)) + high
    }

    /// log erfc(x), by the asymptotic series where erfc underflows.
    private static func logErfc(_ x: Double) -> Double {
        let value = erfc(x)
        guard value == 0 else { return log(value) }
        let inverseSquare = 1 / (x * x)
        return -log(Double.pi) / 2 - log(x) - x * x - 0.5 * inverseSquare + 0.625 * pow(inverseSquare, 2)
            - 37.0 / 24.0 * pow(inverseSquare, 3) + 353.0 / 64.0 * pow(inverseSquare, 4)
    }
}
