import Actors
import Federation
import FedzProtocol

extension SecureRound {
    /// A change to the session's server, applied by the shell (on the compute thread while unmasking).
    typealias Event = @Sendable (inout SecAggServer, ContinuousClock.Instant) throws(SecAggError) -> SecAggServerDirective

    /// What a node's SecAgg+ message for one of its clients does to the session: checked against
    /// the session's number, the node hosting that client and (for a masked input) the vector's
    /// shape; a reported training loss is kept. Throws the reason to reject it.
    mutating func event(for envelope: Envelope) throws(WireError) -> Event {
        let header = envelope.header
        let config = server.config
        let client: Int
        let session: Int
        let event: Event
        var loss: Double?
        switch header.kind {
        case .secaggKeys:
            let keys = try envelope.body(SecAggPublicKeys.self)
            (client, session) = (keys.client, keys.round)
            event = { server, now throws(SecAggError) in try server.onKeys(keys, now: now) }
        case .secaggShares:
            let upload = try envelope.body(SecAggShares.self)
            (client, session) = (upload.client, upload.round)
            event = { server, now throws(SecAggError) in try server.onShares(upload, now: now) }
        case .secaggMaskedInput:
            let report = try envelope.body(MaskedInputReport.self)
            let length = config.vectorLength
            guard envelope.tensors.count == 1, let tensor = envelope.tensors.first, tensor.name == MaskedInputReport.tensorName,
                  tensor.dtype == WireFormat.uint32, tensor.shape == [length]
            else { throw WireError(.badShape, "masked input of client \(report.client) is not one uint32 tensor [\(length)]") }
            (client, session, loss) = (report.client, report.round, report.trainLoss)
            let input = SecAggMaskedInput(round: report.round, client: report.client, values: tensor.words)
            event = { server, now throws(SecAggError) in try server.onMaskedInput(input, now: now) }
        case .secaggReveal:
            let reply = try envelope.body(SecAggUnmaskReply.self)
            (client, session) = (reply.client, reply.round)
            event = { server, now throws(SecAggError) in try server.onUnmaskReply(reply, now: now) }
        default:
            throw WireError(.unexpected, "\(header.kind) is not a secure-aggregation message")
        }
        guard session == config.round else {
            throw WireError(.staleUpdate, "\(header.kind) of client \(client) for session \(session), this is \(config.round)")
        }
        guard hosts[client]?.node == header.sender else {
            throw WireError(.unexpected, "\(header.kind) of client \(client), not sampled on \(header.sender)")
        }
        if let loss, loss.isFinite, !server.masked.contains(client) { trainLosses[client] = loss }
        return event
    }

    /// What the round loop finds when it looks at the session at `now`.
    enum Look {
        /// The sum is unmasked: the round can be aggregated.
        case finished
        case aborted(reason: String)
        /// Still running: apply `event` (clients written off, or the clock's tick), then send the
        /// requests due again (`dueResends`).
        case running(Event)
        /// The unmasking is running on the compute thread: leave the server alone.
        case busy
    }

    /// Looks at the session: its outcome, or what to tell the server: the clients of dead nodes, or
    /// the time, which may pass a stage's deadline.
    mutating func look() -> Look {
        guard !busy else { return .busy }
        switch outcome {
        case .finished?: return .finished
        case .aborted(let abort)?: return .aborted(reason: "secure aggregation aborted at \(abort.stage.rawValue): \(abort.reason)")
        default: break
        }
        let lost = newlyLost
        newlyLost = []
        if lost.isEmpty { return .running { server, now in server.onTick(now: now) } }
        return .running { server, now in server.onDropout(lost, now: now) }
    }
}
