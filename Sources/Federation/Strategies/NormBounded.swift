import Learning

/// Update-norm bounding (Sun et al. 2019), composable with any strategy: every
/// client's delta whose Euclidean norm exceeds the bound is scaled down to it before
/// the inner strategy aggregates.
public struct NormBounded: Strategy {
    public var inner: any Strategy
    public var bound: NormBound

    public init(_ inner: any Strategy, bound: NormBound) {
        self.inner = inner
        self.bound = bound
    }

    /// The inner strategy's name with `+clip`.
    public var name: String { inner.name + "+clip" }

    public func configure(_ training: TrainingConfig) -> TrainingConfig {
        inner.configure(training)
    }

    /// The inner strategy's.
    public var serverState: StrategyState? { inner.serverState }

    public mutating func restore(_ state: StrategyState, global: [Tensor]) throws(StrategyStateError) {
        try inner.restore(state, global: global)
    }

    public mutating func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        let norms = updates.map { DeltaVector.norm(DeltaVector.flatten($0.delta)) }
        let maxNorm = bound.limit(norms: norms)
        let bounded = zip(updates, norms).map { update, norm in
            guard norm > maxNorm else { return update }
            var clipped = update
            let scale = maxNorm / norm
            clipped.delta = update.delta.map { Tensor(shape: $0.shape, values: $0.values.map { $0 * scale }) }
            return clipped
        }
        return inner.aggregate(global: global, updates: bounded)
    }
}
