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

/// Coordinate-wise order statistics over clients' deltas.
enum CoordinateStatistics {
    /// For each coordinate, the mean of the deltas left after dropping the `trimEach`
    /// smallest and `trimEach` largest; at most `(count − 1) / 2` are dropped from each end.
    static func trimmedMean(_ updates: [ClientUpdate], trimEach: Int) -> [Float] {
        let vectors = updates.map { DeltaVector.flatten($0.delta) }
        let count = vectors.count
        let trim = min(max(trimEach, 0), (count - 1) / 2)
        let kept = Float(count - 2 * trim)
        var column = [Float](repeating: 0, count: count)
        var result = [Float](repeating: 0, count: vectors.first?.count ?? 0)
        for coordinate in result.indices {
            for client in 0..<count { column[client] = vectors[client][coordinate] }
            column.sort()
            var sum: Float = 0
            for index in trim..<(count - trim) { sum += column[index] }
            result[coordinate] = sum / kept
        }
        return result
    }
}
