import Actors
import Federation
import FedzProtocol
import Learning

/// Secure aggregation in the node: the `SecureParticipant` keeps the session and decides what
/// each round start and request calls for; the shell sends, and quantises and masks the
/// trained deltas on the compute thread.
extension DeviceWorker {
    /// Joins the SecAgg+ session of a round start with work for this node (sending each hosted
    /// client's keys); on a repeated round start, sends again the keys the coordinator lacks.
    func joinSecureRound(_ start: RoundStart) async {
        let store = store
        await carryOut(secure.onRoundStart(start, hosts: { store.sampleCount(of: $0) != nil }, now: clock.now))
    }

    /// A coordinator's request for one client at stages 2–4.
    func acceptSecureAggregation(_ envelope: Envelope) async throws(WireError) {
        await carryOut(try secure.onRequest(envelope, round: nodeRound.pending, now: clock.now))
    }

    /// A client of the secure round finished training: its delta waits for its delivery.
    func trainedSecurely(_ client: Int, session: Int, trained: SecureSession.Trained) async {
        await carryOut(secure.onTrained(client, session: session, trained: trained, round: nodeRound.pending))
    }

    private func carryOut(_ directives: [SecureParticipant.Directive]) async {
        for directive in directives {
            switch directive {
            case .transmit(let frames):
                await transmit(frames, timeout: .seconds(10))
            case .mask(let client, let session, let masking):
                await mask(client, session: session, masking: masking)
            case .cannotJoin(let client, let error):
                logger.warning("cannot take part in secure aggregation", metadata: ["fedz.client": "\(client)", "error": "\(error)"])
            }
        }
    }

    /// Quantises and masks a client's input on the compute thread, then sends it.
    private func mask(_ client: Int, session: Int, masking: SecureSession.Masking) async {
        defer { secure.onMaskingEnded(client) }
        guard let round = nodeRound.pending else { return }
        do {
            let (updated, masked) = try await compute.run { try masking.run() }
            await carryOut(
                try secure.onMasked(
                    client, session: session, updated: updated, masked: masked, trainLoss: masking.reportedLoss, round: round,
                    now: clock.now))
        } catch {
            logger.warning("masking failed; the client drops out", metadata: ["fedz.client": "\(client)", "error": "\(error)"])
        }
    }
}
