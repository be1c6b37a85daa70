import Learning

/// Federated averaging (McMahan et al. 2017): the new global model is the old one
/// plus the average of the clients' deltas weighted by their sample counts.
public struct FedAvg: Strategy {
    public let name = "fedavg"

    public init() {}

    public func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        DeltaVector.apply(DeltaVector.weightedMean(updates), to: global)
    }
}
