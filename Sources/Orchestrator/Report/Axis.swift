import Foundation

/// A value axis with "nice" bounds and ticks (steps of 1, 2 or 5 times a power of ten).
struct Axis: Equatable {
    var low: Double
    var high: Double
    var step: Double

    /// An axis covering `values`, clamped to `floor`/`ceiling` where given.
    static func nice(_ values: [Double], floor: Double?, ceiling: Double?) -> Axis {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if high - low < 1e-9 { (low, high) = (low - 0.5, high + 0.5) }
        let step = niceStep((high - low) / 5, integral: false)
        low = (low / step).rounded(.down) * step
        high = (high / step).rounded(.up) * step
        if let floor { low = max(low, floor) }
        if let ceiling { high = min(high, ceiling) }
        return Axis(low: low, high: max(high, low + step), step: step)
    }

    /// The smallest 1, 2 or 5 × 10ⁿ at least `raw` (at least 1 when `integral`).
    static func niceStep(_ raw: Double, integral: Bool) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        return integral ? max(1, step.rounded()) : step
    }

    var ticks: [Double] {
        stride(from: low, through: high + step / 1000, by: step).map { $0 }
    }

    /// The y coordinate of `value` in a panel from `top` to `bottom` (clamped to it).
    func position(_ value: Double, top: Double, bottom: Double) -> Double {
        let fraction = (min(max(value, low), high) - low) / (high - low)
        return bottom - fraction * (bottom - top)
    }

    func label(_ value: Double) -> String {
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        return String(format: "%.\(decimals)f", value)
    }
}
