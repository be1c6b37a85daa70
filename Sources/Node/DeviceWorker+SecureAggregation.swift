import Actors
import Federation
import FedzProtocol
import Learning

/// Secure aggregation in the node: each assigned client runs a `SecAggClient`; its
/// replies are cached per stage and sent again when the coordinator repeats a
/// request; the quantising and masking of the trained delta run on the compute thread.
extension DeviceWorker {
    /// Opens a session for a secure round start naming this node, sending each client's
    /// keys; on a repeated round start, sends again the keys the coordinator lacks.
    func joinSecureRound(_ start: RoundStart) async {
        guard let aggregation = SecureFedAvg(start, mergesPrototypes: ModelZoo.prototypeNames.contains(settings.model)),
              let assigned = start.assignments[settings.id] else { return }
        if secureSession?.session != aggregation.config.round {
            var session = SecureSession(aggregation: aggregation)
            for client in assigned where store.sampleCount(of: client) != nil {
                do {
                    session.clients[client] = try SecAggClient(id: client, config: aggregation.config, random: CryptoRandom())
                } catch {
                    logger.warning("cannot take part in secure aggregation", metadata: ["fedz.client": "\(client)", "error": "\(error)"])
                }
            }
            secureSession = session
            for client in session.clients.keys.sorted() {
                await reply(kind: .secaggKeys, client: client, round: start, body: session.clients[client]!.publicKeys)
            }
            return
        }
        let answered = Set(start.answered)
        for client in assigned where !answered.contains(client) { await resend(.secaggKeys, client: client) }
    }

    /// A coordinator's request for one client at stages 2–4.
    func acceptSecureAggregation(_ envelope: Envelope) async throws(WireError) {
        guard let session = secureSession?.session, let round = pendingRound else {
            throw WireError(.staleUpdate, "\(envelope.header.kind) outside a secure round")
        }
        func check(_ client: Int, _ requestSession: Int) throws(WireError) -> SecAggClient {
            guard requestSession == session, let secagg = secureSession?.clients[client] else {
                throw WireError(.staleUpdate, "\(envelope.header.kind) for client \(client) in session \(requestSession)")
            }
            return secagg
        }
        switch envelope.header.kind {
        case .secaggDirectory:
            let directory = try envelope.body(SecAggKeyDirectory.self)
            var secagg = try check(directory.client, directory.round)
            guard !(await resend(.secaggShares, client: directory.client)) else { return }
            let upload = try secure { () throws(SecAggError) in try secagg.onKeyDirectory(directory) }
            secureSession?.clients[directory.client] = secagg
            await reply(kind: .secaggShares, client: directory.client, round: round, body: upload)
        case .secaggDelivery:
            let delivery = try envelope.body(SecAggShares.self)
            _ = try check(delivery.client, delivery.round)
            guard !(await resend(.secaggMaskedInput, client: delivery.client)) else { return }
            secureSession?.deliveries[delivery.client] = delivery
            await maskIfReady(delivery.client)
        default:
            let request = try envelope.body(SecAggUnmaskRequest.self)
            var secagg = try check(request.client, request.round)
            guard !(await resend(.secaggReveal, client: request.client)) else { return }
            let reveal = try secure { () throws(SecAggError) in try secagg.onUnmaskRequest(request) }
            secureSession?.clients[request.client] = secagg
            await reply(kind: .secaggReveal, client: request.client, round: round, body: reveal)
        }
    }

    /// A client of the secure round finished training: its delta waits for its delivery.
    func trainedSecurely(_ client: Int, session: Int, trained: SecureSession.Trained) async {
        guard secureSession?.session == session else { return }
        secureSession?.trained[client] = trained
        await maskIfReady(client)
    }

    /// Quantises and masks a client's input on the compute thread once both its delta
    /// and its share delivery are there, then sends it.
    private func maskIfReady(_ client: Int) async {
        guard let session = secureSession, let (secagg, delivery, trained) = session.readyToMask(client),
              let round = pendingRound
        else { return }
        secureSession?.masking.insert(client)
        defer { secureSession?.masking.remove(client) }
        let aggregation = session.aggregation
        do {
            let (updated, masked) = try await compute.run {
                var secagg = secagg
                var random = CryptoRandom()
                let input = aggregation.input(delta: trained.delta, samples: trained.samples, using: &random)
                let masked = try secagg.onShareDelivery(delivery, input: input)
                return (secagg, masked)
            }
            guard secureSession?.session == session.session else { return }
            secureSession?.clients[client] = updated
            secureSession?.trained[client] = nil
            let body = MaskedInputReport(
                round: masked.round, client: masked.client, trainLoss: aggregation.privacy == nil ? trained.trainLoss : nil)
            let envelope = try Envelope(
                topic: .report, header: header(.secaggMaskedInput, round: round), body: body,
                tensors: [WireTensor(name: MaskedInputReport.tensorName, shape: [masked.values.count], words: masked.values)])
            await send(WireFormat.encode(envelope), kind: .secaggMaskedInput, client: client)
        } catch {
            logger.warning("masking failed; the client drops out", metadata: ["fedz.client": "\(client)", "error": "\(error)"])
        }
    }

    /// Sends a client's reply of one kind and keeps it for repeated requests.
    private func reply<Body: Encodable>(kind: MessageKind, client: Int, round: RoundStart, body: Body) async {
        guard let envelope = try? Envelope(topic: .report, header: header(kind, round: round), body: body) else { return }
        await send(WireFormat.encode(envelope), kind: kind, client: client)
    }

    private func send(_ frames: Multipart, kind: MessageKind, client: Int) async {
        secureSession?.replies[client, default: [:]][kind] = (frames, clock.now)
        await transmit(frames, timeout: .seconds(10))
    }

    /// Sends a kept reply again if it is older than two heartbeat intervals; true if a reply is kept.
    @discardableResult
    private func resend(_ kind: MessageKind, client: Int) async -> Bool {
        guard let kept = secureSession?.replies[client]?[kind] else { return false }
        guard clock.now - kept.sentAt > settings.heartbeatInterval * 2 else { return true }
        secureSession?.replies[client]?[kind] = (kept.frames, clock.now)
        await transmit(kept.frames, timeout: .seconds(10))
        return true
    }

    /// Runs a step of a client's state machine; a refusal is a rejected message.
    private func secure<T>(_ step: () throws(SecAggError) -> T) throws(WireError) -> T {
        do throws(SecAggError) {
            return try step()
        } catch {
            throw WireError(.badBody, "secure aggregation: \(error)")
        }
    }
}
