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
        global: [Tensor], sum: [Float], expectedClients: Double, using generator: inout some RandomNumberGenerator
    ) -> [Tensor] {
        DeltaVector.apply(noisyAverage(sum: sum, expectedClients: expectedClients, using: &generator), to: global)
    }

    /// The flattened sum of plain updates' deltas, each clipped again to norm C: the server
    /// enforces the bound it accounts for rather than trusting every node to clip. `length`
    /// is the model's parameter count (the sum of no updates is zeros).
    public func sum(of updates: [ClientUpdate], length: Int) -> [Float] {
        var total = [Float](repeating: 0, count: length)
        for update in updates {
            let clipped = L2Clipping.clip(DeltaVector.flatten(update.delta), toNorm: clippingNorm)
            for (index, value) in clipped.enumerated() where index < length { total[index] += value }
        }
        return total
    }
}
