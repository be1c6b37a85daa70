import Actors
import Federation
import FedzProtocol
import Learning
import ModelOps

/// The desk's side of the wire: it publishes each new version, serves the versions nodes ask
/// for, records their field reports (republished for the monitor), answers an admin's
/// production change, and tells nodes what to serve whenever that moves.
extension ModelOpsDesk {
    /// Registers new global weights as a version (the one rounds train from now), publishes it
    /// and lets the deployment policy place it; `round` is the round nodes are told about.
    func publish(parent: Int?, round: Int, weights: [Tensor], metrics: TrainingMetrics, announcing announced: Int) async throws
        -> PublishedModel
    {
        let model = try await record(parent: parent, round: round, weights: weights, metrics: metrics)
        await send(model.envelope)
        _ = try await place(model.version, round: round)
        await announce(round: announced)
        return model
    }

    /// A ModelOps message from `envelope.header.sender` (its role already checked);
    /// `round` is the round nodes are told about.
    func handle(_ envelope: Envelope, round: Int) async throws(WireError) {
        let sender = envelope.header.sender
        switch envelope.header.kind {
        case .modelRequest:
            let request = try envelope.body(ModelRequest.self)
            guard var message = await servableModel(request.version)?.envelope else {
                throw WireError(.unexpected, "\(sender) asked for model \(request.version), which is not served")
            }
            message.topic = .node(sender)
            await send(message)
        case .fieldReport:
            let observation = try envelope.body(FieldObservation.self)
            try observation.validate()
            let promoted = try await fieldReport(observation, from: sender)
            await send(.metrics, .fieldMetrics, FieldMetrics(node: sender, round: round, observation: observation))
            if promoted { await announce(round: round) }
        case .productionChange:
            let change = try envelope.body(ProductionChange.self)
            try change.validate()
            if let answered = productionChanges[sender], answered.request == change.request {
                return await send(.node(sender), .productionChanged, answered)
            }
            let result = await changeProduction(change, by: sender)
            productionChanges[sender] = result
            if result.refusal == nil { await announce(round: round) }
            await send(.node(sender), .productionChanged, result)
        default:
            throw WireError(.unexpected, "\(envelope.header.kind) from \(sender) is not a ModelOps message")
        }
    }

    /// Tells nodes at once what to serve and the newest version to evaluate (the coordinator's
    /// heartbeat repeats it every interval).
    func announce(round: Int) async {
        let served = self.served
        let status = CoordinatorStatus(
            round: round, production: served.production, candidate: served.candidate, latest: servable[latest]?.served)
        await send(.round, .heartbeat, status)
    }

    private func send<Body: Encodable>(_ topic: Topic, _ kind: MessageKind, _ body: Body) async {
        let header = Header(kind: kind, sender: Coordinator.senderID, incarnation: incarnation, modelVersion: latest)
        guard let envelope = try? Envelope(topic: topic, header: header, body: body) else { return }
        await send(envelope)
    }

    private func send(_ envelope: Envelope) async {
        await channel.send(envelope, logger: logger)
    }
}
