import Learning

/// Federated averaging (McMahan et al. 2017): the new global model is the old one
/// plus the average of the clients' deltas weighted by their sample counts.
public struct FedAvg: Strategy {
    public let name = "fedavg"

    public init() {}

    public func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        let totalSamples = updates.reduce(0) { $0 + $1.samples }
        guard totalSamples > 0 else { return global }
        var next = global
        for update in updates {
            let weight = Float(Double(update.samples) / Double(totalSamples))
            for index in next.indices {
                next[index].values.withUnsafeMutableBufferPointer { target in
                    update.delta[index].values.withUnsafeBufferPointer { delta in
                        for element in target.indices {
                            target[element] += weight * delta[element]
                        }
                    }
                }
            }
        }
        return next
    }
}
