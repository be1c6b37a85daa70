/// Bookkeeping of one open round, as a pure state machine: it takes results,
/// failures and node deaths, and says when the round is complete or must be
/// abandoned. Time is passed in; nothing here sleeps, sends or logs.
public struct RoundState<Result: Sendable>: Sendable {
    /// What happened to a reported result.
    public enum Verdict: Sendable, Equatable {
        case accepted
        /// This client already reported in this round (a replay or a retry).
        case duplicate
        /// For another round than this one.
        case wrongRound(Int)
        /// The client was not sampled, or not on the node that sent it.
        case notAssigned
    }

    /// Where the round stands.
    public enum Status: Sendable, Equatable {
        case collecting
        /// Every sampled client answered or was lost, or the deadline passed, with
        /// at least the minimum of results.
        case complete
        /// The minimum cannot be reached any more.
        case abandoned(String)
    }

    public let round: Int
    /// Node id → the clients sampled on it.
    public let assignments: [String: [Int]]
    public let deadline: ContinuousClock.Instant
    public let minimumResults: Int
    public let sampledCount: Int
    /// Client → the node it was sampled on: checks a result in constant time.
    private let nodeOfClient: [Int: String]

    public private(set) var results: [Int: Result] = [:]
    public private(set) var failed: Set<Int> = []
    public private(set) var lost: Set<Int> = []

    public init(round: Int, assignments: [String: [Int]], deadline: ContinuousClock.Instant, minimumResults: Int) {
        self.round = round
        self.assignments = assignments
        self.deadline = deadline
        self.minimumResults = max(1, minimumResults)
        var nodeOfClient: [Int: String] = [:]
        for (node, clients) in assignments {
            for client in clients { nodeOfClient[client] = node }
        }
        self.nodeOfClient = nodeOfClient
        self.sampledCount = assignments.values.reduce(0) { $0 + $1.count }
    }

    /// Sampled clients that have neither answered nor been lost.
    public var outstanding: Int { sampledCount - results.count - failed.count - lost.count }

    /// Checks a result without recording it.
    public func verdict(client: Int, node: String, round: Int) -> Verdict {
        guard round == self.round else { return .wrongRound(round) }
        guard nodeOfClient[client] == node, !lost.contains(client) else { return .notAssigned }
        guard results[client] == nil, !failed.contains(client) else { return .duplicate }
        return .accepted
    }

    /// Records a client's result if its verdict is `.accepted`.
    public mutating func onResult(_ result: Result, client: Int, node: String, round: Int) -> Verdict {
        let verdict = verdict(client: client, node: node, round: round)
        if verdict == .accepted { results[client] = result }
        return verdict
    }

    /// Records that a client reported it could not train.
    public mutating func onFailure(client: Int, node: String, round: Int) -> Verdict {
        let verdict = verdict(client: client, node: node, round: round)
        if verdict == .accepted { failed.insert(client) }
        return verdict
    }

    /// Writes off the unanswered clients of a node that died or restarted.
    public mutating func onNodeLost(_ node: String) {
        for client in assignments[node] ?? [] where results[client] == nil && !failed.contains(client) {
            lost.insert(client)
        }
    }

    public func status(now: ContinuousClock.Instant) -> Status {
        let enough = results.count >= minimumResults
        if outstanding == 0 || now >= deadline {
            return enough
                ? .complete
                : .abandoned("\(results.count) result(s) of \(sampledCount) sampled\(shortfall), minimum \(minimumResults)")
        }
        if results.count + outstanding < minimumResults {
            return .abandoned("only \(results.count + outstanding) client(s) can still answer, minimum \(minimumResults)")
        }
        return .collecting
    }

    /// Why results are missing, e.g. " (10 failed to train)"; empty when no client failed or was lost.
    private var shortfall: String {
        let parts = [(failed.count, "failed to train"), (lost.count, "lost with their node")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }
}
