import Federation
import FedzProtocol
import Learning

/// Secure aggregation in a simulated node, driven as `DeviceWorker+SecureAggregation.swift`
/// drives it: keys on a secure round start, shares on the key directory, the masked input
/// (the known delta, quantised by `SecureFedAvg` as the node does) on the share delivery, the
/// revealed shares on the unmask request. A repeated request gets the cached reply again, once
/// it is older than two heartbeat intervals.
extension SimulatedNode {
    /// Opens a session for a secure round start naming this node and sends each client's keys;
    /// on a repeated round start, sends again the keys the coordinator lacks.
    func joinSecureRound(_ start: RoundStart) {
        guard let aggregation = SecureFedAvg(start), let assigned = start.assignments[id] else {
            secureRefusals.append("round start \(start.round) without a usable secure aggregation")
            return
        }
        guard secure?.session == aggregation.config.round else {
            var session = SimulatedSecureSession(aggregation: aggregation, start: start)
            for client in assigned where clients.contains(where: { $0.id == client }) {
                do {
                    session.clients[client] = try SecAggClient(id: client, config: aggregation.config, random: CryptoRandom())
                } catch {
                    secureRefusals.append("client \(client) cannot take part: \(error)")
                }
            }
            secure = session
            for client in session.clients.keys.sorted() {
                reply(.secaggKeys, client: client, body: session.clients[client]!.publicKeys)
            }
            return
        }
        let answered = Set(start.answered)
        for client in assigned where !answered.contains(client) { resend(.secaggKeys, client: client) }
    }

    /// The coordinator's request for one client at stages 2–4.
    func acceptSecureAggregation(_ envelope: Envelope) {
        do {
            switch envelope.header.kind {
            case .secaggDirectory:
                let directory = try envelope.body(SecAggKeyDirectory.self)
                var client = try sessionClient(directory.client, session: directory.round)
                guard !resend(.secaggShares, client: directory.client) else { return }
                let upload = try client.onKeyDirectory(directory)
                secure?.clients[directory.client] = client
                reply(.secaggShares, client: directory.client, body: upload)
            case .secaggDelivery:
                let delivery = try envelope.body(SecAggShares.self)
                var client = try sessionClient(delivery.client, session: delivery.round)
                guard !resend(.secaggMaskedInput, client: delivery.client), let session = secure else { return }
                var random = CryptoRandom()
                let input = session.aggregation.input(
                    delta: deltaTensors(client: delivery.client, round: session.start.round),
                    samples: samples(of: delivery.client), using: &random)
                let masked = try client.onShareDelivery(delivery, input: input)
                secure?.clients[delivery.client] = client
                let body = MaskedInputReport(round: masked.round, client: masked.client, trainLoss: 1)
                let envelope = try Envelope(
                    topic: .report, header: header(.secaggMaskedInput, round: session.start), body: body,
                    tensors: [WireTensor(name: MaskedInputReport.tensorName, shape: [masked.values.count], words: masked.values)])
                keep(envelope, kind: .secaggMaskedInput, client: delivery.client)
            case .secaggUnmask:
                let request = try envelope.body(SecAggUnmaskRequest.self)
                var client = try sessionClient(request.client, session: request.round)
                guard !resend(.secaggReveal, client: request.client) else { return }
                let reveal = try client.onUnmaskRequest(request)
                secure?.clients[request.client] = client
                reply(.secaggReveal, client: request.client, body: reveal)
            default:
                return
            }
        } catch {
            secureRefusals.append("\(envelope.header.kind): \(error)")
        }
    }

    /// The state machine of `client` in the current session, if the request is for it.
    private func sessionClient(_ client: Int, session: Int) throws -> SecAggClient {
        guard let secure, secure.session == session, let state = secure.clients[client] else {
            throw SimulatedRefusal("client \(client) in session \(session), this node is in \(secure?.session ?? -1)")
        }
        return state
    }

    /// Sends a client's reply of one kind and keeps it for repeated requests.
    private func reply<Body: Encodable>(_ kind: MessageKind, client: Int, body: Body) {
        guard let start = secure?.start,
              let envelope = try? Envelope(topic: .report, header: header(kind, round: start), body: body)
        else { return }
        keep(envelope, kind: kind, client: client)
    }

    private func keep(_ envelope: Envelope, kind: MessageKind, client: Int) {
        let frames = WireFormat.encode(envelope)
        secure?.replies[client, default: [:]][kind] = SimulatedSecureSession.Reply(frames: frames, sentAt: clock.now)
        send(frames)
    }

    /// Sends a kept reply again if it is older than two heartbeat intervals; true if one is kept.
    @discardableResult
    private func resend(_ kind: MessageKind, client: Int) -> Bool {
        guard let kept = secure?.replies[client]?[kind] else { return false }
        guard clock.now - kept.sentAt > interval * 2 else { return true }
        secure?.replies[client]?[kind]?.sentAt = clock.now
        resent += 1
        send(kept.frames)
        return true
    }
}

/// Why a simulated node could not answer a request.
struct SimulatedRefusal: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
