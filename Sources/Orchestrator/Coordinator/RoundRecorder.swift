import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
import Logging
import ModelOps

/// A round aggregated, registered and published, whose version is evaluated while the next
/// round trains: its result is reported, and its checkpoint saved, once that ends.
struct ClosedRound: Sendable {
    /// The round's result but for its test loss and accuracy, not measured yet.
    var result: RoundResult
    var weights: [Tensor]
    /// The run as it stood when the round closed: what resuming after this round starts from.
    var checkpoint: RoundCheckpoint
}

/// Completes closed rounds off the round's critical path: evaluates each round's version on the
/// test set on a thread of its own, records the metrics, saves the round's checkpoint and
/// publishes the result — one at a time, in round order, so that results, checkpoints and events
/// stay in round order, and a crash before a round's completion resumes at that round. It holds
/// the run's history and the checkpoint last saved.
actor RoundRecorder {
    private let settings: CoordinatorSettings
    private let logger: Logger
    /// The coordinator's test set; nil when versions are evaluated only by the nodes.
    private let testData: LabeledData?
    /// The nodes' evaluations of each version on their clients' held-out samples.
    private var evaluations = FederatedEvaluation()
    /// The members expected to evaluate each version (those whose clients hold samples out).
    private var evaluators: @Sendable () async -> Set<String> = { [] }
    private let modelOps: ModelOpsDesk
    private let channel: any FederationChannel
    private let clock: any FederationClock
    private let incarnation: UInt64
    /// Evaluates versions and saves checkpoints, beside the coordinator's compute thread, which
    /// aggregates: a round never queues behind its predecessor's evaluation.
    nonisolated let evaluator = ComputeThread(name: "fedz-coordinator-evaluation")
    private let completions = CompletionQueue<ClosedRound>()
    /// Completed rounds' results, in order.
    private(set) var history: [RoundResult] = []
    /// The checkpoint last saved (or, before the first round completes, the state to save).
    private(set) var lastCheckpoint: RoundCheckpoint?

    init(
        settings: CoordinatorSettings, logger: Logger, testData: LabeledData?, modelOps: ModelOpsDesk,
        channel: any FederationChannel, clock: any FederationClock, incarnation: UInt64
    ) {
        (self.settings, self.logger, self.testData, self.modelOps) = (settings, logger, testData, modelOps)
        (self.channel, self.clock, self.incarnation) = (channel, clock, incarnation)
    }

    /// Tells the recorder whom to wait for: `evaluators` gives the members expected to evaluate
    /// a version, asked again while it waits (a node that dies is no longer waited for).
    func expectEvaluations(from evaluators: @escaping @Sendable () async -> Set<String>) {
        self.evaluators = evaluators
    }

    /// A node's evaluation of a version on its clients' held-out samples; `hosted` names the
    /// clients of the report that the node hosts.
    func acceptEvaluation(_ report: EvaluationReport, from node: String, hosted: Set<Int>) throws(WireError) {
        try evaluations.onReport(report, from: node, hosts: hosted.contains)
    }

    /// Starts from `history` (empty in a fresh run) and the run's state as `checkpoint` holds it.
    func begin(history: [RoundResult], checkpoint: RoundCheckpoint) {
        (self.history, lastCheckpoint) = (history, checkpoint)
    }

    func enqueue(_ closed: ClosedRound) async {
        await completions.enqueue(closed)
    }

    /// Completes the closed rounds as they come until the calling task is cancelled, telling
    /// `onRound` each result and calling `onTarget` once a version reached `--target-accuracy`.
    func run(onRound: @escaping @Sendable (RoundResult) -> Void, onTarget: @escaping @Sendable () async -> Void) async {
        await completions.consume { closed in
            try await self.complete(closed, onRound: onRound, onTarget: onTarget)
        }
    }

    /// Waits for every closed round's completion, rethrowing the first error.
    func settle() async throws {
        try await completions.settle()
    }

    /// Waits, before the next round is aggregated, until no more closed rounds await completion
    /// than may: with a target accuracy none (whether a round is aggregated at all depends on the
    /// previous version's accuracy), otherwise one, so that a slow evaluation delays no round.
    func settleBeforeAggregating() async throws {
        if await completions.pending > (settings.targetAccuracy == nil ? 1 : 0) { try await completions.settle() }
    }

    /// Saves the last checkpoint again with `retraining` (a drift alert's), so that a resumed
    /// run retrains too.
    func saveAgain(with retraining: Retraining) async throws {
        guard var checkpoint = lastCheckpoint else { return }
        checkpoint.run.retraining = retraining
        try await modelOps.save(checkpoint)
        lastCheckpoint = checkpoint
    }

    /// Evaluates the round's version on the test set, records the metrics in the registry,
    /// saves the round's checkpoint, then reports the result.
    private func complete(
        _ closed: ClosedRound, onRound: @Sendable (RoundResult) -> Void, onTarget: @Sendable () async -> Void
    ) async throws {
        let began = clock.now
        let (architecture, weights, testData) = (settings.model, closed.weights, self.testData)
        var evaluation: Evaluation?
        if let testData {
            evaluation = try await evaluator.run {
                let model = try ModelZoo.learner(architecture, seed: 0)
                try model.setParameters(weights)
                return model.evaluate(on: testData)
            }
        }
        var result = closed.result
        result.federated = await federatedEvaluation(of: result.modelVersion)
        result.centralTest = evaluation != nil
        if let evaluation {
            (result.testLoss, result.testAccuracy) = (evaluation.loss, evaluation.accuracy)
            (result.quantizationError, result.topographicError) = (evaluation.quantizationError, evaluation.topographicError)
        } else {
            (result.testLoss, result.testAccuracy) = (result.federated?.loss ?? 0, result.federated?.accuracy ?? 0)
            if result.federated == nil { logger.warning("no evaluation of the round's version", metadata: ["fedz.round": "\(result.round)"]) }
        }
        try await modelOps.recordMetrics(
            TrainingMetrics(testAccuracy: result.testAccuracy, loss: result.testLoss), of: result.modelVersion)
        result.phases?.evaluation = (clock.now - began).seconds

        history.append(result)
        var checkpoint = closed.checkpoint
        checkpoint.run.history = history
        // A drift alert that came after the round closed is kept; its retraining starts with the resumed round.
        if checkpoint.run.retraining == nil, let retraining = await modelOps.retraining {
            checkpoint.run.retraining = Retraining(alert: retraining.alert, preDriftAccuracy: retraining.preDriftAccuracy)
        }
        try await modelOps.save(checkpoint)
        lastCheckpoint = checkpoint

        let header = Header(
            kind: .roundResult, sender: Coordinator.senderID, incarnation: incarnation, round: result.round,
            modelVersion: await modelOps.latest)
        if let envelope = try? Envelope(topic: .metrics, header: header, body: result) {
            await channel.send(envelope, logger: logger)
        }
        logger.info(
            "round complete",
            metadata: [
                "fedz.round": "\(result.round)", "fedz.participants": "\(result.participants)",
                "fedz.accuracy": "\(result.testAccuracy)",
            ])
        onRound(result)
        if let target = settings.targetAccuracy, result.testAccuracy >= target { await onTarget() }
    }
}

extension RoundRecorder {
    /// `version`'s federated evaluation, once every expected evaluator has reported it or a round
    /// timeout has passed (a report lost on the way costs that wait, not the result); nil when no
    /// client reported.
    private func federatedEvaluation(of version: Int) async -> EvaluationSummary? {
        let deadline = clock.now + settings.roundTimeout
        while clock.now < deadline {
            let expected = await evaluators()
            if expected.isEmpty || evaluations.isComplete(version, expected: expected) { break }
            try? await clock.sleep(for: .milliseconds(50))
        }
        return evaluations.close(version)
    }
}

extension FederationChannel {
    /// Sends `envelope`; a failure is logged (a message the transport could not take is lost, as
    /// PUB/SUB may lose any message, and the protocol re-sends what matters).
    func send(_ envelope: Envelope, logger: Logger) async {
        do {
            try await send(WireFormat.encode(envelope))
        } catch {
            logger.warning("publish failed", metadata: ["kind": "\(envelope.header.kind)", "error": "\(error)"])
        }
    }
}
