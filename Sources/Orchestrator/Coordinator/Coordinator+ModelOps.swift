import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
import ModelOps

/// The coordinator's side of ModelOps: what its `ModelOpsDesk` decides reaches the nodes (new
/// versions, what to serve) and the monitor (field metrics); checkpoints hold the desk's state
/// beside the round's.
extension Coordinator {
    /// Resumes from the registry's checkpoint (`--resume`, after a crash), or registers the
    /// initial weights as the first version of a fresh run.
    func prepare(initialWeights: [Tensor]) async throws {
        if settings.resume, let checkpoint = try await modelOps.loadCheckpoint(),
           let run = readable(checkpoint.extra), !run.finished,
           let resumed = SeededGenerator(state: checkpoint.rngState)
        {
            published = try await modelOps.resume(latest: run.version, production: checkpoint.productionVersion, state: run)
            global = published.weights
            try restoreStrategy(from: run)
            generator = resumed
            history = run.history
            privacyBudget = PrivacyBudget(accountant: run.accountant, inclusions: run.inclusions ?? [:])
            nextRound = checkpoint.round + 1
            lastCheckpoint = RoundCheckpoint(
                round: checkpoint.round, production: checkpoint.productionVersion, rngState: checkpoint.rngState, run: run)
            logger.notice("resumed", metadata: ["fedz.round": "\(checkpoint.round)", "fedz.version": "\(run.version)"])
            return
        }
        try await modelOps.beginFresh()
        _ = try await registerVersion(parent: nil, round: 0, weights: initialWeights, metrics: TrainingMetrics())
        lastCheckpoint = await captureCheckpoint(finished: false)
    }

    /// The run's part of a resume checkpoint, or nil, with a warning, if it cannot be read.
    private func readable(_ extra: String) -> RunCheckpoint? {
        do {
            return try FedzJSON.decoder.decode(RunCheckpoint.self, from: Data(extra.utf8))
        } catch {
            logger.warning("the checkpoint cannot be read: the run starts afresh", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Puts the strategy's server state back as the checkpoint left it, or says that it
    /// restarts from zero when the checkpoint predates server state; a state that does not
    /// fit the strategy (another strategy's, another model's) stops the resume.
    private func restoreStrategy(from run: RunCheckpoint) throws {
        guard let state = run.strategyState else {
            if aggregation.strategy.serverState != nil {
                logger.warning(
                    "the checkpoint holds no server state: \(aggregation.strategy.name)'s momentum and moments restart from zero",
                    metadata: ["fedz.version": "\(run.version)"])
            }
            return
        }
        do {
            try aggregation.restore(state, global: global)
        } catch {
            throw PlanError("cannot resume \(aggregation.strategy.name) from the checkpoint: \(error) (run without --resume to start afresh)")
        }
    }

    /// Registers new global weights as a version, publishes it, lets the deployment policy
    /// place it and makes it the one rounds train from; returns its number.
    func registerVersion(parent: Int?, round: Int, weights: [Tensor], metrics: TrainingMetrics) async throws -> Int {
        published = try await modelOps.record(parent: parent, round: round, weights: weights, metrics: metrics)
        await send(published.envelope)
        _ = try await modelOps.place(published.version, round: round)
        await announceStatus()
        return published.version
    }

    /// The round nodes are told about: the open one, else the last completed.
    var announcedRound: Int { open?.round ?? nextRound - 1 }

    /// Tells nodes at once what to serve (the heartbeat repeats it every interval).
    func announceStatus() async {
        let served = await modelOps.served
        let status = CoordinatorStatus(round: announcedRound, production: served.production, candidate: served.candidate)
        if let message = try? Envelope(topic: .round, header: header(.heartbeat), body: status) { await send(message) }
    }

    /// Records a node's field report, republishes it for the monitor and lets it judge the
    /// candidate.
    func acceptFieldReport(_ envelope: Envelope) async throws(WireError) {
        let observation = try envelope.body(FieldObservation.self)
        try observation.validate()
        let promoted = try await modelOps.fieldReport(observation, from: envelope.header.sender)
        let metrics = FieldMetrics(node: envelope.header.sender, round: announcedRound, observation: observation)
        if let message = try? Envelope(topic: .metrics, header: header(.fieldMetrics), body: metrics) {
            await send(message)
        }
        if promoted { await announceStatus() }
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
            var checkpoint: RoundCheckpoint
            if let lastCheckpoint { checkpoint = lastCheckpoint } else { checkpoint = await captureCheckpoint(finished: false) }
            checkpoint.run.retraining = retraining
            try await modelOps.save(checkpoint)
            lastCheckpoint = checkpoint
        } catch {
            logger.error("could not save the checkpoint", metadata: ["error": "\(error)"])
        }
        CoordinatorEvent.retraining(alert: request.alert, reason: request.reason).emit()
        logger.notice("retraining from production", metadata: ["alert": "\(request.alert)"])
    }

    /// At a round's start: once a drift alert asked for it, training restarts from the
    /// production weights (never in the middle of a round).
    func startRetrainingIfAsked() async {
        guard let production = await modelOps.retrainingStart() else { return }
        global = production.weights
        published = production
        logger.notice("training from production", metadata: ["fedz.version": "\(production.version)"])
    }

    /// The run as it stands, with `nextRound - 1` as its last completed round.
    func captureCheckpoint(finished: Bool) async -> RoundCheckpoint {
        let modelOps = await self.modelOps.state
        let run = RunCheckpoint(
            version: published.version, candidate: modelOps.candidate, retraining: modelOps.retraining,
            history: history, promotions: modelOps.promotions, finished: finished, startedAt: modelOps.startedAt,
            accountant: privacyBudget.accountant, inclusions: privacyBudget.inclusions, strategyState: aggregation.strategy.serverState)
        return RoundCheckpoint(round: nextRound - 1, production: modelOps.production, rngState: generator.state, run: run)
    }
}
