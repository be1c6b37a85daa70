import Learning

/// FedProx (Li et al. 2020): clients minimise their loss plus (μ/2)·‖w − w_global‖²,
/// which keeps their models near the global one on heterogeneous data; the server
/// averages as FedAvg does.
public struct FedProx: Strategy {
    public let name = "fedprox"
    /// μ, the proximal term's strength (≥ 0; 0 is FedAvg).
    public var mu: Float

    public init(mu: Float) {
        self.mu = mu
    }

    public func configure(_ training: TrainingConfig) -> TrainingConfig {
        var training = training
        training.proximalMu = mu
        return training
    }

    public func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        FedAvg().aggregate(global: global, updates: updates)
    }
}
