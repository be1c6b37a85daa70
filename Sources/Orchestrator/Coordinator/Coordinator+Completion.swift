import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
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

/// Completing closed rounds off the round's critical path, on the evaluation thread, one at a
/// time in round order (`completions`), so results, checkpoints and events stay in round order,
/// and a crash before a round's completion resumes at that round.
extension Coordinator {
    /// How many closed rounds may still await completion when the next round is aggregated.
    /// With a target accuracy none: whether a round is aggregated at all depends on the previous
    /// version's accuracy. Otherwise one, so that a slow evaluation delays no round.
    var pendingCompletionsAllowed: Int { settings.targetAccuracy == nil ? 1 : 0 }

    /// Evaluates the round's version on the test set, records the metrics in the registry,
    /// saves the round's checkpoint, then reports the result; notes whether it reached the
    /// target accuracy.
    func complete(_ closed: ClosedRound) async throws {
        let began = clock.now
        let (architecture, weights, testData) = (settings.model, closed.weights, self.testData)
        let evaluation = try await evaluator.run {
            let model = try ModelZoo.learner(architecture, seed: 0)
            try model.setParameters(weights)
            return model.evaluate(on: testData)
        }
        var result = closed.result
        (result.testLoss, result.testAccuracy) = (evaluation.loss, evaluation.accuracy)
        (result.quantizationError, result.topographicError) = (evaluation.quantizationError, evaluation.topographicError)
        try await modelOps.recordMetrics(
            TrainingMetrics(testAccuracy: evaluation.accuracy, loss: evaluation.loss), of: result.modelVersion)
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

        if let envelope = try? Envelope(topic: .metrics, header: header(.roundResult, round: result.round), body: result) {
            await send(envelope)
        }
        logger.info(
            "round complete",
            metadata: [
                "fedz.round": "\(result.round)", "fedz.participants": "\(result.participants)",
                "fedz.accuracy": "\(result.testAccuracy)",
            ])
        onRound(result)
        if let target = settings.targetAccuracy, result.testAccuracy >= target {
            targetReached = true
            roundWaker?.yield()
        }
    }

    /// Closes the open round without aggregating it: an earlier round's version reached the
    /// target accuracy. Late updates for it are dropped as stale.
    func closeForTarget(_ round: Int) -> RoundOutcome {
        open = nil
        logger.info("round closed: the target accuracy was reached", metadata: ["fedz.round": "\(round)"])
        return .stopped
    }
}
