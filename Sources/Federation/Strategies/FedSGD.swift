import Learning

/// FedSGD, the FedAvg paper's baseline: each client takes one full-batch gradient
/// step (E = 1, B = ∞) and the server averages the resulting deltas by sample count,
/// which is one step of the clients' weighted mean gradient.
public struct FedSGD: Strategy {
    public let name = "fedsgd"

    public init() {}

    /// One epoch with one batch holding every local sample.
    public func configure(_ training: TrainingConfig) -> TrainingConfig {
        var training = training
        training.epochs = 1
        training.batchSize = Int.max
        return training
    }

    public func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        FedAvg().aggregate(global: global, updates: updates)
    }
}
