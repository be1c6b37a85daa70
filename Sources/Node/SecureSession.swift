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

    /// A client's input to quantise and mask: CPU work, for the compute thread.
    struct Masking: Sendable {
        var secagg: SecAggClient
        var delivery: SecAggShares
        var trained: Trained
        var aggregation: SecureFedAvg

        /// The loss the masked input reports: none under differential privacy.
        var reportedLoss: Double? { aggregation.privacy == nil ? trained.trainLoss : nil }

        /// Quantises the trained delta and masks it with the delivered shares: the client's
        /// state machine after stage 3, and its masked input.
        func run() throws -> (SecAggClient, SecAggMaskedInput) {
            var secagg = secagg
            var random = CryptoRandom()
            let input = aggregation.input(delta: trained.delta, samples: trained.samples, using: &random)
            let masked = try secagg.onShareDelivery(delivery, input: input)
            return (secagg, masked)
        }
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
