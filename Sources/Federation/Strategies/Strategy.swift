import Learning

/// One client's accepted contribution to a round.
public struct ClientUpdate: Sendable {
    public var client: Int
    public var node: String
    public var samples: Int
    public var trainLoss: Double
    /// Local weights minus the global weights the client started from, in parameter order;
    /// for a prototype model, the client's statistics (`PrototypeLearner.learn`).
    public var delta: [Tensor]

    public init(client: Int, node: String, samples: Int, trainLoss: Double, delta: [Tensor]) {
        self.client = client
        self.node = node
        self.samples = samples
        self.trainLoss = trainLoss
        self.delta = delta
    }
}

/// How the coordinator runs rounds: the local training it asks of the sampled clients,
/// and how it turns their updates into the next global model. Strategies are pure
/// values: they see updates, never sockets; server state (momentum, Adam moments)
/// lives in the value and changes only through `aggregate`, or `restore` from a checkpoint.
public protocol Strategy: Sendable {
    /// The name used on the command line and in summaries.
    var name: String { get }
    /// The local training every sampled client does, from the federation's configuration.
    func configure(_ training: TrainingConfig) -> TrainingConfig
    /// The next global weights from the current ones and a non-empty set of updates
    /// whose deltas match the global weights' shapes.
    mutating func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor]
    /// What `aggregate` carries from round to round, for a resume checkpoint; nil for a
    /// stateless strategy. A stateful one returns a state even before its first round.
    var serverState: StrategyState? { get }
    /// Continues from `state`, exported by `serverState` of the same strategy for a model
    /// shaped like `global`; an error, leaving the strategy as it was, if it does not fit.
    mutating func restore(_ state: StrategyState, global: [Tensor]) throws(StrategyStateError)
}

extension Strategy {
    /// Clients train as the federation is configured.
    public func configure(_ training: TrainingConfig) -> TrainingConfig { training }

    /// No server state.
    public var serverState: StrategyState? { nil }

    /// A stateless strategy restores nothing: any state is someone else's.
    public mutating func restore(_ state: StrategyState, global: [Tensor]) throws(StrategyStateError) {
        throw StrategyStateError("\(name) keeps no server state, but was given \(state.strategy)'s")
    }
}
