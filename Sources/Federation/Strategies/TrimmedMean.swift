import Learning

/// Coordinate-wise trimmed mean (Yin et al. 2018): for each coordinate, drop the
/// ⌊β·n⌋ largest and ⌊β·n⌋ smallest of the n clients' deltas and average the rest
/// (unweighted). β ∈ [0, 0.5); the median is the limit.
public struct TrimmedMean: Strategy {
    public let name = "trimmed-mean"
    /// β, the fraction trimmed from each end.
    public var beta: Double

    public init(beta: Double) {
        self.beta = beta
    }

    public func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        let trim = Int((beta * Double(updates.count)).rounded(.down))
        return DeltaVector.apply(CoordinateStatistics.trimmedMean(updates, trimEach: trim), to: global)
    }
}
