import FedzProtocol

/// Body of `evaluation_report`: a model version's loss and accuracy on the held-out samples of
/// each of the node's clients that holds some out.
public struct EvaluationReport: Codable, Sendable, Equatable {
    /// One client's evaluation.
    public struct Client: Codable, Sendable, Equatable {
        public var client: Int
        /// Held-out samples evaluated.
        public var samples: Int
        /// Mean loss over them.
        public var loss: Double
        /// Share classified right, in [0, 1].
        public var accuracy: Double

        public init(client: Int, samples: Int, loss: Double, accuracy: Double) {
            (self.client, self.samples, self.loss, self.accuracy) = (client, samples, loss, accuracy)
        }
    }

    public var version: Int
    public var clients: [Client]

    public init(version: Int, clients: [Client]) {
        self.version = version
        self.clients = clients
    }

    /// At most `WireBounds.clientsPerNode` clients, each listed once with an id and sample count
    /// in range, a finite loss ≥ 0 and an accuracy in [0, 1]; a version ≥ 1.
    public func validate() throws(WireError) {
        try WireBounds.check(version, in: 1...Int(Int32.max), "version")
        try WireBounds.check(clients.count, in: WireBounds.clientsPerNode, "client count")
        var seen = Set<Int>(minimumCapacity: clients.count)
        for entry in clients {
            try WireBounds.check(entry.client, in: WireBounds.clientID, "client id")
            try WireBounds.check(entry.samples, in: WireBounds.samples, "held-out samples of client \(entry.client)")
            guard entry.loss.isFinite, entry.loss >= 0, (0...1).contains(entry.accuracy) else {
                throw WireError(.outOfRange, "client \(entry.client): loss \(entry.loss), accuracy \(entry.accuracy)")
            }
            guard seen.insert(entry.client).inserted else { throw WireError(.badBody, "client \(entry.client) listed twice") }
        }
    }
}

/// A version's federated evaluation: the sample-weighted loss and accuracy over every client
/// that reported, and the spread of the clients' accuracies.
public struct EvaluationSummary: Codable, Sendable, Equatable {
    public var clients: Int
    public var samples: Int
    public var loss: Double
    public var accuracy: Double
    public var minimum: Double
    public var median: Double
    public var maximum: Double

    /// The summary of `evaluations`; nil when there are none.
    public init?(_ evaluations: [EvaluationReport.Client]) {
        guard !evaluations.isEmpty else { return nil }
        let samples = evaluations.reduce(0) { $0 + $1.samples }
        let weighted = { (value: (EvaluationReport.Client) -> Double) in
            evaluations.reduce(0) { $0 + value($1) * Double($1.samples) } / Double(samples)
        }
        let accuracies = evaluations.map(\.accuracy).sorted()
        let middle = accuracies.count / 2
        (clients, self.samples) = (evaluations.count, samples)
        (loss, accuracy) = (weighted(\.loss), weighted(\.accuracy))
        (minimum, maximum) = (accuracies[0], accuracies[accuracies.count - 1])
        median = accuracies.count % 2 == 1 ? accuracies[middle] : (accuracies[middle - 1] + accuracies[middle]) / 2
    }
}
