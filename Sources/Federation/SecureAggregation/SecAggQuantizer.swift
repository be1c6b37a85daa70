/// Maps real inputs into Z_(2^32) and sums back: each value is clipped to
/// [−c, c] and [−c, c] is mapped onto 0...levels with stochastic (unbiased) rounding.
public struct SecAggQuantizer: Sendable, Equatable {
    public let clippingRange: Float
    public let levels: UInt32

    public init(clippingRange: Float, levels: UInt32) {
        precondition(clippingRange > 0 && levels > 0, "a quantizer needs a positive range and levels")
        self.clippingRange = clippingRange
        self.levels = levels
    }

    /// The quantizer every client of `config`'s round uses.
    public init(config: SecAggConfig) {
        self.init(clippingRange: config.clippingRange, levels: config.quantizationLevels)
    }

    /// The width of one quantisation level: the most a value moves by rounding.
    public var step: Double { 2 * Double(clippingRange) / Double(levels) }

    /// The clipped values as levels, rounded up with probability equal to the fraction.
    public func quantize(_ values: [Float], using generator: inout some RandomNumberGenerator) -> [UInt32] {
        let c = Double(clippingRange)
        let scale = Double(levels) / (2 * c)
        return values.map { value in
            let scaled = (min(max(Double(value), -c), c) + c) * scale
            let floor = scaled.rounded(.down)
            let up = Double(generator.next() >> 11) * 0x1p-53 < scaled - floor
            return min(UInt32(floor) + (up ? 1 : 0), levels)
        }
    }

    /// The sum of `contributors` clients' values, from the sum of their levels.
    public func dequantize(sum: [UInt32], contributors: Int) -> [Float] {
        let offset = Double(contributors) * Double(clippingRange)
        return sum.map { Float(Double($0) * step - offset) }
    }
}
