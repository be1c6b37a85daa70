import Learning

/// How a closed round becomes the next global model, as one value: the strategy steps from
/// plain updates; under central differential privacy DP-FedAvg takes its place (each delta
/// clipped, the sum noised, divided by the expected number of clients C·K); a secure round's
/// unmasked SecAgg+ sum is turned into the step its `SecureFedAvg` defines. The strategy's
/// server state (momentum, moments) lives here, so the value is also what a checkpoint keeps.
public struct RoundAggregation: Sendable {
    /// What a round collected.
    public enum Collected: Sendable {
        /// Plain updates, one per client that answered.
        case updates([ClientUpdate])
        /// The unmasked sum of a secure round and how that round aggregates it.
        case secureSum(SecAggSum, SecureFedAvg)
    }

    public private(set) var strategy: any Strategy
    /// Central differential privacy of plain updates; nil for none.
    public let privacy: DifferentialPrivacy?

    public init(strategy: any Strategy, privacy: DifferentialPrivacy?) {
        self.strategy = strategy
        self.privacy = privacy
    }

    /// The next global weights from `global` and what the round collected, or nil when a secure
    /// sum carries no weight. `expectedClients` is the privacy denominator C·K; `random` draws
    /// the privacy noise.
    public mutating func next(
        from global: [Tensor], _ collected: Collected, expectedClients: Double, random: inout CryptoRandom
    ) -> [Tensor]? {
        switch collected {
        case .secureSum(let sum, let secure):
            return secure.aggregate(global: global, sum: sum, using: &random)
        case .updates(let updates):
            guard let privacy else { return strategy.aggregate(global: global, updates: updates) }
            let sum = privacy.sum(of: updates, length: global.reduce(0) { $0 + $1.count })
            return privacy.aggregate(global: global, sum: sum, expectedClients: expectedClients, using: &random)
        }
    }

    /// Puts the strategy's server state back as a checkpoint kept it.
    public mutating func restore(_ state: StrategyState, global: [Tensor]) throws(StrategyStateError) {
        try strategy.restore(state, global: global)
    }
}
