import Learning

/// One client's accepted contribution to a round.
public struct ClientUpdate: Sendable {
    public var client: Int
    public var node: String
    public var samples: Int
    public var trainLoss: Double
    /// Local weights minus the global weights the client started from, in parameter order.
    public var delta: [Tensor]

    public init(client: Int, node: String, samples: Int, trainLoss: Double, delta: [Tensor]) {
        self.client = client
        self.node = node
        self.samples = samples
        self.trainLoss = trainLoss
        self.delta = delta
    }
}

/// How the coordinator turns a round's updates into the next global model.
/// Strategies are pure values: they see updates, never sockets.
public protocol Strategy: Sendable {
    /// The name used on the command line and in summaries.
    var name: String { get }
    /// The next global weights from the current ones and a non-empty set of updates
    /// whose deltas match the global weights' shapes.
    func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor]
}

/// Looks up a strategy by its command-line name.
public enum Strategies {
    public static let names = ["fedavg"]

    public static func named(_ name: String) -> (any Strategy)? {
        switch name {
        case "fedavg": FedAvg()
        default: nil
        }
    }
}
