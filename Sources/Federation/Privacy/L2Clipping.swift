/// Per-client L2 clipping: bounds each update's contribution (its sensitivity).
public enum L2Clipping {
    /// The L2 norm of `values`.
    public static func norm(_ values: [Float]) -> Double {
        values.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
    }

    /// `values` scaled by min(1, bound / ‖values‖₂).
    public static func clip(_ values: [Float], toNorm bound: Double) -> [Float] {
        let length = norm(values)
        guard length > bound else { return values }
        let scale = Float(bound / length)
        return values.map { $0 * scale }
    }
}
