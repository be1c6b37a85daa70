import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
import ModelOps

/// The rounds' side of ModelOps: resuming from the registry's checkpoint, registering the versions
/// rounds make, training from production after a drift alert; checkpoints hold the
/// `ModelOpsDesk`'s state beside the rounds'.
extension RoundRunner {
    /// Resumes from the registry's checkpoint (`--resume`, after a crash), or registers the
    /// initial weights as the first version of a fresh run.
    func prepare(initialWeights: [Tensor]) async throws {
        if settings.resume, let checkpoint = try await modelOps.loadCheckpoint(),
           let run = readable(checkpoint.extra), !run.finished,
           let resumed = SeededGenerator(state: checkpoint.rngState)
        {
            published = try await modelOps.resume(latest: run.version, production: checkpoint.productionVersion, state: run)
            global = published.weights
            if let warning = try aggregation.resume(from: run, global: global) {
                logger.warning("\(warning)", metadata: ["fedz.version": "\(run.version)"])
            }
            generator = resumed
            privacyBudget = PrivacyBudget(accountant: run.accountant, inclusions: run.inclusions ?? [:])
            nextRound = checkpoint.round + 1
            await recorder.begin(
                history: run.history,
                checkpoint: RoundCheckpoint(
                    round: checkpoint.round, production: checkpoint.productionVersion, rngState: checkpoint.rngState, run: run))
            logger.notice("resumed", metadata: ["fedz.round": "\(checkpoint.round)", "fedz.version": "\(run.version)"])
            return
        }
        try await modelOps.beginFresh()
        _ = try await registerVersion(parent: nil, round: 0, weights: initialWeights, metrics: TrainingMetrics())
        await recorder.begin(history: [], checkpoint: await captureCheckpoint(finished: false))
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

    /// Registers new global weights as a version, which the desk publishes and places; it is
    /// the one rounds train from now. Returns its number.
    func registerVersion(parent: Int?, round: Int, weights: [Tensor], metrics: TrainingMetrics) async throws -> Int {
        published = try await modelOps.publish(
            parent: parent, round: round, weights: weights, metrics: metrics, announcing: announcedRound)
        return published.version
    }

    /// The round nodes are told about: the open one, else the last completed.
    var announcedRound: Int { open?.round ?? nextRound - 1 }

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
            history: await recorder.history, promotions: modelOps.promotions, finished: finished, startedAt: modelOps.startedAt,
            accountant: privacyBudget.accountant, inclusions: privacyBudget.inclusions, strategyState: aggregation.strategy.serverState)
        return RoundCheckpoint(round: nextRound - 1, production: modelOps.production, rngState: generator.state, run: run)
    }
}
