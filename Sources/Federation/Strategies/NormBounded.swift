import Learning

/// Update-norm bounding (Sun et al. 2019), composable with any strategy: every
/// client's delta whose Euclidean norm exceeds `maxNorm` is scaled down to it before
/// the inner strategy aggregates.
public struct NormBounded: Strategy {
    public var inner: any Strategy
    /// The largest delta norm let through (> 0).
    public var maxNorm: Float

    public init(_ inner: any Strategy, maxNorm: Float) {
        self.inner = inner
        self.maxNorm = maxNorm
    }

    /// The inner strategy's name with `+clip`.
    public var name: String { inner.name + "+clip" }

    public func configure(_ training: TrainingConfig) -> TrainingConfig {
        inner.configure(training)
    }

    public mutating func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        let bounded = updates.map { update in
            let norm = DeltaVector.norm(DeltaVector.flatten(update.delta))
            guard norm > maxNorm else { return update }
            var clipped = update
            let scale = maxNorm / norm
            clipped.delta = update.delta.map { Tensor(shape: $0.shape, values: $0.values.map { $0 * scale }) }
            return clipped
        }
        return inner.aggregate(global: global, updates: bounded)
    }
}
