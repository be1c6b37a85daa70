import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
import Logging
import ModelOps

/// The coordinator receiving: a message decoded before the actor, charged to its peer's quota and
/// checked against the peer's role, counted as a sign of life, then handled by kind.
extension Coordinator {
    /// Takes a message decoded (and, for an update, hash-checked) before the actor; the
    /// sender's liveness counts from when the message was taken off its lane.
    func receive(_ decoded: Result<Inbound, WireError>) async {
        let began = clock.now
        let inbound: Inbound
        switch decoded {
        case .success(let value): inbound = value
        case .failure(let error):
            reject(error)
            return
        }
        let envelope = inbound.envelope
        let sender = envelope.header.sender
        guard quota.admit(inbound.peer ?? sender, isModelRequest: envelope.header.kind == .modelRequest, now: inbound.arrival)
        else {
            reject(WireError(.overQuota, "\(envelope.header.kind) from \(sender)"))
            return
        }
        if let peer = inbound.peer, let allowList = settings.security?.allowList {
            let role = allowList.role(of: peer)
            guard role?.maySend(envelope.header.kind) == true else {
                reject(WireError(.forbidden, "\(envelope.header.kind) from \(peer), a \(role?.rawValue ?? "key without a role")"))
                return
            }
        }
        switch membership.onMessage(
            from: sender, incarnation: envelope.header.incarnation, signOfLife: envelope.header.kind.isSignOfLife,
            now: inbound.arrival)
        {
        case .stale:
            reject(WireError(.unexpected, "\(envelope.header.kind) from an old incarnation of \(sender)"))
            return
        case .restarted(let id):
            logger.info("node restarted", metadata: ["fedz.node": "\(id)"])
            await nodeLost(id)
        case .fresh:
            break
        }
        do {
            try await handle(envelope, update: inbound.update, began: began)
        } catch {
            reject(error)
        }
    }

    /// Handles a message by kind; `began` is when receiving it began (an update's handling time
    /// counts in its round's phases).
    func handle(_ envelope: Envelope, update: Inbound.Update? = nil, began: ContinuousClock.Instant) async throws(WireError) {
        let header = envelope.header
        switch header.kind {
        case .hello:
            let hello = try envelope.body(Hello.self)
            try hello.validate()
            guard header.sender != Self.monitorID else { throw WireError(.unexpected, "a hello from the monitor") }
            guard hello.architecture == settings.model else {
                throw WireError(.unexpected, "\(header.sender) trains \(hello.architecture), not \(settings.model)")
            }
            try membership.onHello(hello.clients, from: header.sender)
            joinWaker?.yield()
            logger.info("node joined", metadata: ["fedz.node": "\(header.sender)", "fedz.clients": "\(hello.clients.count)"])
            await sendToNode(header.sender, kind: .welcome, body: Welcome(incarnation: header.incarnation))
        case .evaluationReport:
            let report = try envelope.body(EvaluationReport.self)
            let hosted = Set(report.clients.lazy.map(\.client).filter { self.membership.hosts($0, node: header.sender) })
            try await recorder.acceptEvaluation(report, from: header.sender, hosted: hosted)
        case .definitionRequest:
            await sendToNode(header.sender, kind: .modelDefinition, body: ModelDefinitionBody(architecture: settings.model))
        case .heartbeat:
            if !membership.isMember(header.sender), header.sender != Self.monitorID {
                await sendToNode(header.sender, kind: .rejoin, body: Empty())
            }
        case .modelRequest, .fieldReport, .productionChange:
            try await modelOps.handle(envelope, round: await runner.announcedRound)
        case .retrainRequest:
            try await acceptRetrainRequest(envelope)
        case .update:
            guard let update else { throw WireError(.unexpected, "an update that was not checked before the actor") }
            try await runner.acceptUpdate(update, header: envelope.header, began: began)
        case .secaggKeys, .secaggShares, .secaggMaskedInput, .secaggReveal:
            try await runner.acceptSecureAggregation(envelope)
        case .trainingFailed:
            let failure = try envelope.body(TrainingFailure.self)
            try failure.validate()
            logger.warning("client failed to train", metadata: ["fedz.node": "\(header.sender)", "reason": "\(failure.reason)"])
            lastTrainingFailure = failure.reason
            try await runner.acceptFailure(client: failure.client, node: header.sender, round: header.round ?? -1)
        default:
            throw WireError(.unexpected, "kind \(header.kind) from \(header.sender)")
        }
    }

    func reject(_ error: any Error) {
        let wireError = error as? WireError ?? WireError(.unexpected, "\(error)")
        if rejections.record(wireError.reason) {
            logger.warning("message rejected", metadata: ["reason": "\(wireError.reason)", "detail": "\(wireError.detail)"])
        } else {
            logger.debug("message rejected", metadata: ["reason": "\(wireError.reason)", "detail": "\(wireError.detail)"])
        }
    }

    /// A drift alert from the monitor: training restarts from production with the next round;
    /// the last completed round's checkpoint is saved again with the retraining to resume.
    func acceptRetrainRequest(_ envelope: Envelope) async throws(WireError) {
        let request = try envelope.body(RetrainRequest.self)
        guard envelope.header.sender == Coordinator.monitorID else {
            throw WireError(.unexpected, "retrain request from \(envelope.header.sender)")
        }
        guard let retraining = await modelOps.retrain(alert: request.alert) else { return }
        do {
            try await recorder.saveAgain(with: retraining)
        } catch {
            logger.error("could not save the checkpoint", metadata: ["error": "\(error)"])
        }
        CoordinatorEvent.retraining(alert: request.alert, reason: request.reason).emit()
        logger.notice("retraining from production", metadata: ["alert": "\(request.alert)"])
    }
}
