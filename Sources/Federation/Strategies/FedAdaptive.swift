import Learning

/// The server-side adaptive optimisers of Reddi et al. 2021 ("Adaptive Federated
/// Optimization", Algorithm 2), without bias correction. With Δ the weighted mean delta:
///
///     m ← β₁·m + (1 − β₁)·Δ
///     v ← v + Δ²                              (FedAdagrad)
///     v ← β₂·v + (1 − β₂)·Δ²                  (FedAdam)
///     v ← v − (1 − β₂)·Δ²·sign(v − Δ²)        (FedYogi)
///     x ← x + η·m / (√v + τ)
///
/// m starts at 0 and v at τ².
public struct FedAdaptive: Strategy {
    /// Which second-moment rule the server uses.
    public enum Rule: String, Sendable, CaseIterable {
        case adagrad, adam, yogi
    }

    public var rule: Rule
    /// η, the server learning rate.
    public var learningRate: Float
    public var beta1: Float
    /// β₂ (unused by FedAdagrad).
    public var beta2: Float
    /// τ, the adaptivity: the floor under √v.
    public var tau: Float
    /// First and second moments, empty before the first round.
    public private(set) var m: [Float] = []
    public private(set) var v: [Float] = []

    public init(rule: Rule, learningRate: Float, beta1: Float, beta2: Float, tau: Float) {
        self.rule = rule
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.tau = tau
    }

    /// `fedadagrad`, `fedadam` or `fedyogi`.
    public var name: String { "fed" + rule.rawValue }

    /// Both moments, as `m` and `v`.
    public var serverState: StrategyState? { StrategyState(strategy: name, buffers: ["m": m, "v": v]) }

    public mutating func restore(_ state: StrategyState, global: [Tensor]) throws(StrategyStateError) {
        let parameters = global.reduce(0) { $0 + $1.count }
        let moments = try state.buffers(["m", "v"], of: name, parameters: parameters)
        (m, v) = (moments[0], moments[1])
    }

    public mutating func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        let delta = DeltaVector.weightedMean(updates)
        if m.count != delta.count {
            m = [Float](repeating: 0, count: delta.count)
            v = [Float](repeating: tau * tau, count: delta.count)
        }
        var step = [Float](repeating: 0, count: delta.count)
        for index in delta.indices {
            let d = delta[index], square = d * d
            m[index] = beta1 * m[index] + (1 - beta1) * d
            switch rule {
            case .adagrad: v[index] += square
            case .adam: v[index] = beta2 * v[index] + (1 - beta2) * square
            case .yogi:
                let sign: Float = v[index] > square ? 1 : (v[index] < square ? -1 : 0)
                v[index] -= (1 - beta2) * square * sign
            }
            step[index] = learningRate * m[index] / (v[index].squareRoot() + tau)
        }
        return DeltaVector.apply(step, to: global)
    }
}
