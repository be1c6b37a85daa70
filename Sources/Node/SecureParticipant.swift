import Federation
import FedzProtocol
import Learning

/// A node's side of SecAgg+, as a pure state machine: it opens a `SecureSession` for each
/// secure round start that names the node's clients and sends each client's keys, answers the
/// coordinator's requests at stages 2–4 with the client's `SecAggClient`, keeps every reply and
/// sends it again when a request repeats after `resendAfter`, and says when a client's input is
/// ready to mask (the masking itself is CPU work for the shell's compute thread). Replies are
/// encoded here; time is passed in; nothing here sends or logs.
struct SecureParticipant: Sendable {
    /// What the shell should do.
    enum Directive: Sendable {
        /// Send these frames on the update path.
        case transmit(Multipart)
        /// Run `masking` on the compute thread, then report through `onMasked` (and `onMaskingEnded`).
        case mask(client: Int, session: Int, masking: SecureSession.Masking)
        /// This client cannot take part in the session (it drops out).
        case cannotJoin(client: Int, error: SecAggError)
    }

    let envelopes: NodeEnvelopes
    /// Whether the node's model sends prototype statistics rather than a delta.
    let mergesPrototypes: Bool
    /// How old a kept reply must be before a repeated request sends it again.
    let resendAfter: Duration
    /// The session of the pending round, if it aggregates securely.
    private(set) var session: SecureSession?

    init(envelopes: NodeEnvelopes, mergesPrototypes: Bool, resendAfter: Duration) {
        self.envelopes = envelopes
        self.mergesPrototypes = mergesPrototypes
        self.resendAfter = resendAfter
    }

    /// A round start with work for this node. A new secure session opens with a `SecAggClient`
    /// for each assigned client the node `hosts`, and each client's keys go out; a repeated round
    /// start sends again the keys of the clients it does not list as answered.
    mutating func onRoundStart(_ start: RoundStart, hosts: (Int) -> Bool, now: ContinuousClock.Instant) -> [Directive] {
        guard let aggregation = SecureFedAvg(start, mergesPrototypes: mergesPrototypes),
              let assigned = start.assignments[envelopes.node] else { return [] }
        guard session?.session != aggregation.config.round else {
            let answered = Set(start.answered)
            return assigned.filter { !answered.contains($0) }.flatMap { resend(.secaggKeys, client: $0, now: now) ?? [] }
        }
        var opened = SecureSession(aggregation: aggregation)
        var directives: [Directive] = []
        for client in assigned where hosts(client) {
            do {
                opened.clients[client] = try SecAggClient(id: client, config: aggregation.config, random: CryptoRandom())
            } catch {
                directives.append(.cannotJoin(client: client, error: error))
            }
        }
        session = opened
        for client in opened.clients.keys.sorted() {
            directives += reply(.secaggKeys, client: client, round: start, now: now) { opened.clients[client]!.publicKeys }
        }
        return directives
    }

    /// A coordinator's request for one client at stages 2–4 (key directory, share delivery,
    /// unmask request), in the pending `round`.
    mutating func onRequest(_ envelope: Envelope, round: RoundStart?, now: ContinuousClock.Instant) throws(WireError) -> [Directive] {
        guard let current = session?.session, let round else {
            throw WireError(.staleUpdate, "\(envelope.header.kind) outside a secure round")
        }
        func check(_ client: Int, _ requestSession: Int) throws(WireError) -> SecAggClient {
            guard requestSession == current, let secagg = session?.clients[client] else {
                throw WireError(.staleUpdate, "\(envelope.header.kind) for client \(client) in session \(requestSession)")
            }
            return secagg
        }
        switch envelope.header.kind {
        case .secaggDirectory:
            let directory = try envelope.body(SecAggKeyDirectory.self)
            var secagg = try check(directory.client, directory.round)
            if let kept = resend(.secaggShares, client: directory.client, now: now) { return kept }
            let upload = try Self.step { () throws(SecAggError) in try secagg.onKeyDirectory(directory) }
            session?.clients[directory.client] = secagg
            return reply(.secaggShares, client: directory.client, round: round, now: now) { upload }
        case .secaggDelivery:
            let delivery = try envelope.body(SecAggShares.self)
            _ = try check(delivery.client, delivery.round)
            if let kept = resend(.secaggMaskedInput, client: delivery.client, now: now) { return kept }
            session?.deliveries[delivery.client] = delivery
            return maskIfReady(delivery.client, round: round)
        default:
            let request = try envelope.body(SecAggUnmaskRequest.self)
            var secagg = try check(request.client, request.round)
            if let kept = resend(.secaggReveal, client: request.client, now: now) { return kept }
            let reveal = try Self.step { () throws(SecAggError) in try secagg.onUnmaskRequest(request) }
            session?.clients[request.client] = secagg
            return reply(.secaggReveal, client: request.client, round: round, now: now) { reveal }
        }
    }

    /// A client of secure session `session` finished training: its delta waits for its delivery.
    mutating func onTrained(_ client: Int, session number: Int, trained: SecureSession.Trained, round: RoundStart?) -> [Directive] {
        guard session?.session == number else { return [] }
        session?.trained[client] = trained
        return round.map { maskIfReady(client, round: $0) } ?? []
    }

    /// A client's input was masked (in `session`, for `round`): the masked input goes out, and is
    /// kept for repeated deliveries. Nothing when the session has changed meanwhile.
    mutating func onMasked(
        _ client: Int, session number: Int, updated: SecAggClient, masked: SecAggMaskedInput, trainLoss: Double?,
        round: RoundStart, now: ContinuousClock.Instant
    ) throws -> [Directive] {
        guard session?.session == number else { return [] }
        session?.clients[client] = updated
        session?.trained[client] = nil
        let frames = try envelopes.maskedInput(masked, trainLoss: trainLoss, round: round)
        session?.replies[client, default: [:]][.secaggMaskedInput] = (frames, now)
        return [.transmit(frames)]
    }

    /// The masking of a client's input ended, sent or failed.
    mutating func onMaskingEnded(_ client: Int) {
        session?.masking.remove(client)
    }

    /// The coordinator restarted: the session is gone.
    mutating func onCoordinatorRestarted() {
        session = nil
    }

    /// The masking job of a client whose delivery and trained delta are both there.
    private mutating func maskIfReady(_ client: Int, round: RoundStart) -> [Directive] {
        guard let current = session, let (secagg, delivery, trained) = current.readyToMask(client) else { return [] }
        session?.masking.insert(client)
        let masking = SecureSession.Masking(secagg: secagg, delivery: delivery, trained: trained, aggregation: current.aggregation)
        return [.mask(client: client, session: current.session, masking: masking)]
    }

    /// Encodes a client's reply of one kind and keeps it for repeated requests.
    private mutating func reply<Body: Encodable>(
        _ kind: MessageKind, client: Int, round: RoundStart, now: ContinuousClock.Instant, body: () -> Body
    ) -> [Directive] {
        guard let frames = try? envelopes.report(kind, round: round, body: body()) else { return [] }
        session?.replies[client, default: [:]][kind] = (frames, now)
        return [.transmit(frames)]
    }

    /// A kept reply of `kind`: nil when there is none; the reply again when it is older than
    /// `resendAfter` (and from now on as old as `now`), else nothing.
    private mutating func resend(_ kind: MessageKind, client: Int, now: ContinuousClock.Instant) -> [Directive]? {
        guard let kept = session?.replies[client]?[kind] else { return nil }
        guard now - kept.sentAt > resendAfter else { return [] }
        session?.replies[client]?[kind] = (kept.frames, now)
        return [.transmit(kept.frames)]
    }

    /// Runs a step of a client's state machine; a refusal is a rejected message.
    private static func step<T>(_ step: () throws(SecAggError) -> T) throws(WireError) -> T {
        do throws(SecAggError) {
            return try step()
        } catch {
            throw WireError(.badBody, "secure aggregation: \(error)")
        }
    }
}
