import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
import ModelOps

/// A production change made during this run.
struct Promotion: Codable, Sendable, Equatable {
    var version: Int
    var reason: String
}

/// Retraining after a drift alert: the alert stays open until a retrained version reaches
/// 98 % of production's field accuracy before the drift (the median of its field reports,
/// most of which predate the drift).
struct Retraining: Codable, Sendable, Equatable {
    var alert: Int
    var preDriftAccuracy: Double
    /// Whether rounds already train from production (it starts with the next round).
    var started = false
}

/// What the coordinator needs to resume a run after a crash, kept with the registry's
/// checkpoint (the round, production version and sampling state are the checkpoint's own).
struct RunCheckpoint: Codable, Sendable {
    /// The latest global version: the one the next round trains.
    var version: Int
    var candidate: Int?
    var retraining: Retraining?
    var history: [RoundResult]
    var promotions: [Promotion]
    var finished: Bool
    /// When the run began (before any restart), to tell its alerts from older ones.
    var startedAt: Date
    /// The privacy spent so far, so that ε keeps counting across restarts.
    var accountant: RDPAccountant
    /// Rounds each client was sampled into under privacy (nil in checkpoints written before).
    var inclusions: [Int: Int]?
    /// The strategy's server state (momentum, moments) after the last completed round;
    /// nil for a stateless strategy and in checkpoints written before fedz kept it.
    var strategyState: StrategyState?
}

/// A whole resume checkpoint: the registry's fields and the run's.
struct RoundCheckpoint: Sendable {
    /// The last completed round.
    var round: Int
    var production: Int?
    /// The sampling generator's state after that round.
    var rngState: [UInt64]
    var run: RunCheckpoint
}

/// ModelOps in the coordinator: every aggregated model becomes a registry version; the
/// `Deployment` policy decides production and candidate; nodes' field reports are
/// recorded, republished for the monitor and used to promote; drift alerts restart
/// training from production.
extension Coordinator {
    /// Resumes from the registry's checkpoint (`--resume`, after a crash), or registers
    /// the initial weights as the first version of a fresh run.
    func prepare(initialWeights: [Tensor]) async throws {
        if settings.resume, let checkpoint = try registry.loadCheckpoint(),
           let run = readable(checkpoint.extra), !run.finished,
           let resumed = SeededGenerator(state: checkpoint.rngState)
        {
            global = try registry.weights(of: run.version)
            try restoreStrategy(from: run)
            published = try model(run.version, weights: global)
            generator = resumed
            history = run.history
            promotions = run.promotions
            retraining = run.retraining
            runStarted = run.startedAt
            privacyBudget = PrivacyBudget(accountant: run.accountant, inclusions: run.inclusions ?? [:])
            nextRound = checkpoint.round + 1
            deployment = Deployment(production: checkpoint.productionVersion, policy: settings.promotion)
            registryProduction = checkpoint.productionVersion
            if let production = checkpoint.productionVersion { try cache(production) }
            if let candidate = run.candidate {
                _ = deployment.onNewVersion(candidate)
                try cache(candidate)
            }
            servable[published.version] = published
            lastCheckpoint = RoundCheckpoint(
                round: checkpoint.round, production: checkpoint.productionVersion, rngState: checkpoint.rngState, run: run)
            logger.notice("resumed", metadata: ["fedz.round": "\(checkpoint.round)", "fedz.version": "\(run.version)"])
            return
        }
        registryProduction = try registry.alias(.production)?.number  // an earlier run's, not to adopt
        let version = try await registerVersion(parent: nil, round: 0, weights: initialWeights, metrics: TrainingMetrics())
        published = try model(version, weights: initialWeights)
        servable[version] = published
        lastCheckpoint = captureCheckpoint(finished: false)
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

    /// What nodes should serve, sent with every coordinator heartbeat.
    var status: CoordinatorStatus {
        CoordinatorStatus(
            round: currentStart?.round ?? nextRound - 1,
            production: deployment.production.flatMap { servable[$0]?.served },
            candidate: deployment.candidate.flatMap { servable[$0]?.served })
    }

    /// Registers new global weights as a version, lets the deployment policy place it and
    /// makes it the one rounds train from; returns its number.
    func registerVersion(parent: Int?, round: Int, weights: [Tensor], metrics: TrainingMetrics) async throws -> Int {
        let draft = VersionDraft(
            parent: parent, round: round, architecture: settings.model, strategy: settings.strategy.name,
            config: settings.describedConfig, metrics: metrics)
        let registry = self.registry
        let version = try await compute.run { try registry.register(draft, weights: weights).number }
        published = try model(version, weights: weights)
        servable[version] = published
        await send(published.envelope)
        switch deployment.onNewVersion(version) {
        case let .promote(version, reason, fieldAccuracy):
            try await promote(version, reason: reason, fieldAccuracy: fieldAccuracy)
        case let .evaluate(version):
            try registry.setAlias(.candidate, to: version, reason: "trained in round \(round)", by: Coordinator.senderID)
        }
        prune()
        await announceStatus()
        return version
    }

    /// Makes `version` production in the registry and for the nodes; resolves the open
    /// drift alert once a retrained version has recovered to 98 % of the pre-drift level.
    /// A production set meanwhile by another process wins: the decision was taken against
    /// the production it replaced.
    func promote(_ version: Int, reason: String, fieldAccuracy: Double?) async throws {
        guard await !adoptRegistryProduction() else { return }
        try registry.promote(version, reason: reason, by: Coordinator.senderID)
        registryProduction = version
        deployment.promote(version)
        promotions.append(Promotion(version: version, reason: reason))
        CoordinatorEvent.promoted(version: version, reason: reason).emit()
        logger.notice("promoted to production", metadata: ["fedz.version": "\(version)", "reason": "\(reason)"])
        if let retraining, let fieldAccuracy, fieldAccuracy >= 0.98 * retraining.preDriftAccuracy {
            _ = try? registry.resolveAlert(retraining.alert, resolution: "version \(version) recovered: \(reason)")
            self.retraining = nil
            CoordinatorEvent.recovered(alert: retraining.alert, version: version).emit()
        }
        await announceStatus()
    }

    /// Adopts a production version set in the registry by another process since this
    /// coordinator last wrote or read it (`fedz models promote` or `rollback`), so that
    /// nodes switch to it; true if it did.
    @discardableResult
    func adoptRegistryProduction() async -> Bool {
        guard let production = try? registry.alias(.production)?.number, production != registryProduction,
              (try? await adopt(production, reason: "set in the registry (fedz models)")) != nil
        else { return false }
        return true
    }

    /// Serves `production`, which the registry's production alias now names, and tells the nodes.
    func adopt(_ production: Int, reason: String) async throws {
        try cache(production)
        registryProduction = production
        deployment.promote(production)
        promotions.append(Promotion(version: production, reason: reason))
        CoordinatorEvent.promoted(version: production, reason: reason).emit()
        logger.notice("production changed", metadata: ["fedz.version": "\(production)", "reason": "\(reason)"])
        await announceStatus()
    }

    /// Tells nodes at once what to serve (the heartbeat repeats it every interval).
    func announceStatus() async {
        if let message = try? Envelope(topic: .round, header: header(.heartbeat), body: status) { await send(message) }
    }

    /// Records a node's field report, republishes it for the monitor and feeds the
    /// candidate's evaluation.
    func acceptFieldReport(_ envelope: Envelope) async throws(WireError) {
        let header = envelope.header
        let observation = try envelope.body(FieldObservation.self)
        try observation.validate()
        var reports = [FieldReport(
            version: observation.version, node: header.sender, accuracy: observation.accuracy,
            samples: observation.samples, time: Date())]
        if let version = observation.candidateVersion, let accuracy = observation.candidateAccuracy {
            reports.append(FieldReport(version: version, node: header.sender, accuracy: accuracy,
                                       samples: observation.samples, time: Date()))
        }
        do {
            try registry.recordFieldMetrics(reports)
        } catch let error as RegistryError {
            if case .unknownVersion(let version) = error.kind {
                throw WireError(.unexpected, "a field report on version \(version), which the registry does not hold")
            }
            logger.warning("could not record field metrics", metadata: ["error": "\(error)"])
        } catch {
            logger.warning("could not record field metrics", metadata: ["error": "\(error)"])
        }
        let metrics = FieldMetrics(node: header.sender, round: status.round, observation: observation)
        if let message = try? Envelope(topic: .metrics, header: self.header(.fieldMetrics), body: metrics) {
            await send(message)
        }
        if case let .promote(version, reason, fieldAccuracy) = deployment.onFieldReport(
            production: observation.version, productionAccuracy: observation.accuracy,
            candidate: observation.candidateVersion, candidateAccuracy: observation.candidateAccuracy,
            samples: observation.samples)
        {
            do {
                try await promote(version, reason: reason, fieldAccuracy: fieldAccuracy)
            } catch {
                logger.error("promotion failed", metadata: ["fedz.version": "\(version)", "error": "\(error)"])
            }
        }
    }

    /// A drift alert from the monitor: training restarts from production, on the data the
    /// nodes hold now; what it produces must beat production on field data to replace it.
    func acceptRetrainRequest(_ envelope: Envelope) async throws(WireError) {
        let request = try envelope.body(RetrainRequest.self)
        guard envelope.header.sender == Coordinator.monitorID else {
            throw WireError(.unexpected, "retrain request from \(envelope.header.sender)")
        }
        guard retraining == nil, let production = deployment.production, servable[production] != nil else {
            return
        }
        let reports = ((try? registry.fieldReports(of: production)) ?? []).map(\.accuracy).sorted()
        retraining = Retraining(alert: request.alert, preDriftAccuracy: reports.isEmpty ? 0 : reports[reports.count / 2])
        do {
            // The last completed round's checkpoint, now with the retraining to resume.
            var checkpoint = lastCheckpoint ?? captureCheckpoint(finished: false)
            checkpoint.run.retraining = retraining
            try Self.save(checkpoint, in: registry)
            lastCheckpoint = checkpoint
        } catch {
            logger.error("could not save the checkpoint", metadata: ["error": "\(error)"])
        }
        CoordinatorEvent.retraining(alert: request.alert, reason: request.reason).emit()
        logger.notice("retraining from production", metadata: ["fedz.version": "\(production)", "alert": "\(request.alert)"])
    }

    /// At a round's start: once a drift alert asked for it, training restarts from the
    /// production weights (never in the middle of a round).
    func startRetrainingIfAsked() {
        guard var retraining, !retraining.started, let production = deployment.production,
              let model = servable[production]
        else { return }
        global = model.weights
        published = model
        retraining.started = true
        self.retraining = retraining
    }

    /// A version nodes may serve or train — the latest, production or the candidate — from
    /// memory or the registry; nil for any other. Loaded once and kept until the next prune,
    /// so that every node asking for the same version is served from memory.
    func servableModel(_ version: Int) async -> PublishedModel? {
        guard [published.version, deployment.production, deployment.candidate].contains(version) else { return nil }
        if servable[version] == nil { try? cache(version) }
        return servable[version]
    }

    /// The run as it stands, with `nextRound - 1` as its last completed round.
    func captureCheckpoint(finished: Bool) -> RoundCheckpoint {
        let run = RunCheckpoint(
            version: published.version, candidate: deployment.candidate, retraining: retraining,
            history: history, promotions: promotions, finished: finished, startedAt: runStarted,
            accountant: privacyBudget.accountant, inclusions: privacyBudget.inclusions, strategyState: aggregation.strategy.serverState)
        return RoundCheckpoint(round: nextRound - 1, production: deployment.production, rngState: generator.state, run: run)
    }

    /// Writes `checkpoint` as `registry`'s resume checkpoint (blocks on SQLite).
    static func save(_ checkpoint: RoundCheckpoint, in registry: ModelRegistry) throws {
        let extra = String(decoding: try FedzJSON.encoder([]).encode(checkpoint.run), as: UTF8.self)
        try registry.saveCheckpoint(
            round: checkpoint.round, productionVersion: checkpoint.production, rngState: checkpoint.rngState, extra: extra)
    }

    /// Alerts raised during this run, for the summary.
    func alertsOfThisRun() -> [AlertRecord] {
        ((try? registry.alerts()) ?? []).filter { $0.alert.time >= runStarted }
    }

    private func model(_ version: Int, weights: [Tensor]) throws -> PublishedModel {
        try PublishedModel(version: version, weights: weights, specs: specs, architecture: settings.model, incarnation: incarnation)
    }

    func cache(_ version: Int) throws {
        servable[version] = try model(version, weights: try registry.weights(of: version))
    }

    /// Keeps only the versions nodes may still ask for.
    private func prune() {
        let keep = Set([published.version, deployment.production, deployment.candidate].compactMap { $0 })
        servable = servable.filter { keep.contains($0.key) }
    }
}
