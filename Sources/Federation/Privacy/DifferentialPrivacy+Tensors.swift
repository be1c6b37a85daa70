import Learning

/// DP-FedAvg on model-shaped deltas: the client side clips (and noises) a delta,
/// the server side turns a sum of privatised deltas into the next global model.
extension DifferentialPrivacy {
    /// The delta clipped to norm C over all its tensors, plus local noise if configured.
    public func privatize(delta: [Tensor], using generator: inout some RandomNumberGenerator) -> [Tensor] {
        DeltaVector.unflatten(privatize(update: DeltaVector.flatten(delta), using: &generator), like: delta)
    }

    /// `global` plus the noisy average of `sum`, the flattened sum of privatised deltas.
    public func aggregate(
        global: [Tensor], sum: [Float], expectedClients: Int, using generator: inout some RandomNumberGenerator
    ) -> [Tensor] {
        DeltaVector.apply(noisyAverage(sum: sum, expectedClients: expectedClients, using: &generator), to: global)
    }

    /// The flattened sum of plain (privatised) updates' deltas.
    public static func sum(of updates: [ClientUpdate]) -> [Float] {
        var total = [Float](repeating: 0, count: updates.first.map { $0.delta.reduce(0) { $0 + $1.count } } ?? 0)
        for update in updates {
            for (index, value) in DeltaVector.flatten(update.delta).enumerated() { total[index] += value }
        }
        return total
    }
}
