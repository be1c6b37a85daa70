import Learning

/// FedAvg with server momentum (Hsu et al. 2019): the weighted mean delta Δ feeds a
/// momentum buffer v ← β·v + Δ, and the server steps x ← x + η·v.
/// With η = 1 and β = 0 this is FedAvg.
public struct FedAvgM: Strategy {
    public let name = "fedavgm"
    /// η, the server learning rate.
    public var learningRate: Float
    /// β, the server momentum.
    public var momentum: Float
    /// The momentum buffer, empty before the first round.
    public private(set) var velocity: [Float] = []

    public init(learningRate: Float, momentum: Float) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    /// The momentum buffer, as `velocity`.
    public var serverState: StrategyState? { StrategyState(strategy: name, buffers: ["velocity": velocity]) }

    public mutating func restore(_ state: StrategyState, global: [Tensor]) throws(StrategyStateError) {
        let parameters = global.reduce(0) { $0 + $1.count }
        velocity = try state.buffers(["velocity"], of: name, parameters: parameters)[0]
    }

    public mutating func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        let delta = DeltaVector.weightedMean(updates)
        if velocity.count != delta.count { velocity = [Float](repeating: 0, count: delta.count) }
        for index in delta.indices { velocity[index] = momentum * velocity[index] + delta[index] }
        return DeltaVector.apply(velocity.map { learningRate * $0 }, to: global)
    }
}
