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
