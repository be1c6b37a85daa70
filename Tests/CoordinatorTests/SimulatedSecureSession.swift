import Federation
import FedzProtocol

/// A simulated node's part in one SecAgg+ session, kept as `fedz-node` keeps its
/// `SecureSession`: a `SecAggClient` per assigned client, and each client's last reply of each
/// kind, sent again when the coordinator repeats its request.
struct SimulatedSecureSession: Sendable {
    /// A reply as sent, and when (virtual time).
    struct Reply: Sendable {
        var frames: Multipart
        var sentAt: ContinuousClock.Instant
    }

    let aggregation: SecureFedAvg
    /// The round start that opened the session (its round goes in every reply's header).
    let start: RoundStart
    var clients: [Int: SecAggClient] = [:]
    var replies: [Int: [MessageKind: Reply]] = [:]

    init(aggregation: SecureFedAvg, start: RoundStart) {
        self.aggregation = aggregation
        self.start = start
    }

    /// The session number: the `SecAggConfig`'s round, new at every attempt of a round.
    var session: Int { aggregation.config.round }
}
