import Learning

/// Coordinate-wise median (Yin et al. 2018): each coordinate of the global model moves by
/// the median of the clients' deltas for it (the mean of the two middle ones for an even
/// count); sample counts are ignored, so a client cannot buy influence by claiming more.
public struct CoordinateMedian: Strategy {
    public let name = "median"

    public init() {}

    public func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        DeltaVector.apply(CoordinateStatistics.trimmedMean(updates, trimEach: (updates.count - 1) / 2), to: global)
    }
}
