import Actors
import Federation
import FedzProtocol
import Learning

/// A node's part in one SecAgg+ session: a `SecAggClient` per hosted client it was
/// assigned, each client's last reply per message kind (sent again when the coordinator
/// repeats its request), and the trained deltas and share deliveries waiting for each
/// other before a client can mask its input.
struct SecureSession: Sendable {
    /// A trained client's contribution, before masking.
    struct Trained: Sendable {
        var delta: [Tensor]
        var samples: Int
        var trainLoss: Double
    }

    let aggregation: SecureFedAvg
    var clients: [Int: SecAggClient] = [:]
    var replies: [Int: [MessageKind: (frames: Multipart, sentAt: ContinuousClock.Instant)]] = [:]
    var deliveries: [Int: SecAggShares] = [:]
    var trained: [Int: Trained] = [:]
    /// Clients whose input is being masked on the compute thread.
    var masking: Set<Int> = []

    init(aggregation: SecureFedAvg) { self.aggregation = aggregation }

    var session: Int { aggregation.config.round }

    /// The client's delivery and trained delta once both are there and it has not masked yet.
    func readyToMask(_ client: Int) -> (SecAggClient, SecAggShares, Trained)? {
        guard !masking.contains(client), replies[client]?[.secaggMaskedInput] == nil,
              let secagg = clients[client], let delivery = deliveries[client], let trained = trained[client]
        else { return nil }
        return (secagg, delivery, trained)
    }
}
