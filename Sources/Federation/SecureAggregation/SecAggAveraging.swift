/// FedAvg through a secure sum: a client submits `[w, w·delta]` with its weight `w`
/// (e.g. its share of the round's samples, so that |w·delta| stays in range), and
/// the sum `[Σw, Σw·delta]` gives the weighted average without any single update.
public enum SecAggAveraging {
    /// The vector a client submits: its weight, then its weighted delta.
    public static func weightedInput(delta: [Float], weight: Float) -> [Float] {
        [weight] + delta.map { $0 * weight }
    }

    /// Σw·delta / Σw from the de-quantised sum of weighted inputs; nil if Σw ≤ 0.
    public static func average(ofSum sum: [Float]) -> [Float]? {
        guard let total = sum.first, total > 0 else { return nil }
        return sum.dropFirst().map { $0 / total }
    }
}
