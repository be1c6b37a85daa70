import Actors
import Federation
import FedzProtocol
import Foundation
import Learning

/// Serving and field monitoring: the node serves the production version the coordinator
/// names, evaluates it (and the candidate, if any) on fresh batches of its own data, and
/// reports field accuracy. Injected drift shifts the node's data from a given round on.
extension DeviceWorker {
    /// Switches to what the coordinator says to serve, fetching versions it lacks.
    func serve(_ status: CoordinatorStatus) async {
        observeRound(status.round)
        for directive in shelf.onStatus(status, roundVersion: nodeRound.pending?.modelVersion, now: clock.now) {
            switch directive {
            case .newProduction(let version):
                logger.info("serving a new production version", metadata: ["fedz.version": "\(version)"])
            case .request(let version):
                await push(kind: .modelRequest, body: ModelRequest(version: version))
            }
        }
        evaluationSignal.yield()
    }

    /// Federated evaluation: once the node holds the coordinator's newest version, evaluates it
    /// on each client's held-out samples (on the compute thread) and reports it, once a version.
    /// Runs on a task of its own (`evaluationSignal`), never in the receive loop.
    func evaluateLatest() async {
        guard store.heldOut != nil, let latest = shelf.latestModel(), latest.version > evaluatedVersion else { return }
        evaluatedVersion = latest.version
        let (architecture, store) = (settings.model, store)
        do {
            let clients = try await compute.run {
                let model = try ModelZoo.learner(architecture, seed: 0)
                try model.setParameters(latest.weights)
                return store.clients.compactMap { client -> EvaluationReport.Client? in
                    guard let heldOut = store.heldOutData(of: client) else { return nil }
                    let result = model.evaluate(on: heldOut)
                    return EvaluationReport.Client(client: client, samples: heldOut.count, loss: result.loss, accuracy: result.accuracy)
                }
            }
            await push(kind: .evaluationReport, body: EvaluationReport(version: latest.version, clients: clients))
        } catch {
            logger.warning("federated evaluation failed", metadata: ["fedz.version": "\(latest.version)", "error": "\(error)"])
        }
    }

    /// Evaluates the served model(s) on a fresh batch of local data and reports it.
    func monitorField() async {
        guard let (production, candidate) = shelf.fieldModels(), let batch = fieldBatch() else { return }
        let architecture = settings.model
        do {
            let (productionAccuracy, candidateAccuracy) = try await compute.run {
                let model = try ModelZoo.learner(architecture, seed: 0)
                try model.setParameters(production.weights)
                let productionAccuracy = model.evaluate(on: batch).accuracy
                guard let candidate else { return (productionAccuracy, Double?.none) }
                try model.setParameters(candidate.weights)
                return (productionAccuracy, Optional(model.evaluate(on: batch).accuracy))
            }
            let observation = FieldObservation(
                version: production.version, accuracy: productionAccuracy, samples: batch.count,
                candidateVersion: candidate?.version, candidateAccuracy: candidateAccuracy)
            lastField = observation
            await push(kind: .fieldReport, body: observation)
        } catch {
            logger.warning("field evaluation failed", metadata: ["error": "\(error)"])
        }
    }

    /// Starts injected drift once the federation reaches its round: hands the round to the
    /// shifting task and returns at once, so that the receive loop never waits for the shift.
    func observeRound(_ round: Int) {
        guard let drift = settings.drift, !drifted, round >= drift.round else { return }
        drifted = true
        shifting = true
        driftRound.yield(round)
    }

    /// Shifts the data on the compute thread (taking the drift's `stall` longer, as a slow
    /// device would), then lets training go on; heartbeats, messages and field reports
    /// keep flowing meanwhile.
    func shiftData(round: Int) async {
        guard let drift = settings.drift else { return }
        let (seed, original, replacement) = (settings.faultPlan.seed, store, settings.driftReplacement)
        logger.notice("injected drift: shifting the data", metadata: ["fedz.round": "\(round)", "drift": "\(drift)"])
        do {
            store = try await compute.run {
                if drift.stall > .zero { Thread.sleep(forTimeInterval: drift.stall.seconds) }
                return try original.mapShared { data throws in
                    try drift.shift.apply(to: data, seed: seed, replacement: replacement)
                }
            }
            logger.notice("injected drift begins", metadata: ["fedz.round": "\(round)", "drift": "\(drift)"])
        } catch {
            logger.error("could not inject drift", metadata: ["error": "\(error)"])
        }
        shifting = false
        workSignal.yield()
    }

    /// `fieldBatch` samples drawn at random, as they are now, from the node's held-out samples
    /// (its own data, `--data`), else from its clients' share of a built-in data set; nil when
    /// there are none.
    private func fieldBatch() -> LabeledData? {
        let field = store.heldOut ?? store.shared
        let count = field.count
        guard count > 0 else { return nil }
        return field.subset((0..<settings.fieldBatch).map { _ in Int.random(in: 0..<count, using: &generator) })
    }
}
