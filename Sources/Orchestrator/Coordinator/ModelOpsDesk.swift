import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
import Logging
import ModelOps

/// ModelOps beside the coordinator, behind one actor: every aggregated model becomes a registry
/// version, which the `Deployment` policy places as production or candidate; nodes' field
/// reports are recorded and judge the candidate; a production set by an admin — by message or
/// in the registry file — is adopted; a drift alert restarts training from production. It keeps
/// the versions nodes may ask for encoded once. All of its SQLite work, and the decoding of
/// stored weights, runs on its own thread: neither the coordinator's actor nor its compute
/// threads wait on the registry.
///
/// It speaks its own part of the protocol on the coordinator's channel (`ModelOpsDesk+Messages`):
/// new versions, the versions nodes ask for, field reports, an admin's production changes, and
/// what nodes should serve. Each method that may move production says whether it did.
actor ModelOpsDesk {
    nonisolated let registry: ModelRegistry
    let settings: CoordinatorSettings
    let logger: Logger
    private let specs: [ParameterSpec]
    let incarnation: UInt64
    /// The coordinator's channel, for the desk's own messages.
    let channel: any FederationChannel
    /// Runs the registry's SQLite work and reads stored weights.
    nonisolated let thread = ComputeThread(name: "fedz-modelops")

    private(set) var deployment: Deployment
    /// The production version as the registry held it when this desk last wrote or read it: a
    /// different value there means another process moved it.
    private var registryProduction: Int?
    /// The retraining under way after a drift alert.
    private(set) var retraining: Retraining?
    /// The production changes of this run, in order.
    private(set) var promotions: [Promotion] = []
    /// When the run began (restored from the checkpoint after a restart).
    private(set) var runStarted = Date()
    /// The latest version: the one rounds train from.
    private(set) var latest = 0
    /// Versions nodes may ask for, encoded: the latest, production and the candidate.
    private(set) var servable: [Int: PublishedModel] = [:]
    /// Versions being read from the registry, so that nodes asking together cause one read.
    private var loading: [Int: Task<PublishedModel, any Error>] = [:]
    /// Whether a production change (by field data, an admin or the registry watch) is under
    /// way, and the changes waiting for it: they run one at a time, so that the watch never
    /// takes an admin's move for another process's, and no decision lands on a production
    /// other than the one it was taken against.
    private var moving = false
    private var waitingToMove: [CheckedContinuation<Void, Never>] = []
    /// The last production change each admin asked for, as answered (a request sent again is
    /// answered again, not redone).
    var productionChanges: [String: ProductionChangeResult] = [:]

    init(
        registry: ModelRegistry, settings: CoordinatorSettings, logger: Logger, specs: [ParameterSpec], incarnation: UInt64,
        channel: any FederationChannel
    ) {
        self.registry = registry
        self.channel = channel
        self.settings = settings
        self.logger = logger
        self.specs = specs
        self.incarnation = incarnation
        self.deployment = Deployment(policy: settings.promotion)
    }

    // MARK: - Versions

    /// Notes the production an earlier run left in the registry, so that it is not taken for
    /// one set during this run.
    func beginFresh() async throws {
        registryProduction = try await sql { try $0.alias(.production)?.number }
    }

    /// Registers new global weights as a version, the one rounds train from now.
    func record(parent: Int?, round: Int, weights: [Tensor], metrics: TrainingMetrics) async throws -> PublishedModel {
        let draft = VersionDraft(
            parent: parent, round: round, architecture: settings.model, strategy: settings.strategy.name,
            config: settings.describedConfig, metrics: metrics)
        let version = try await sql { try $0.register(draft, weights: weights).number }
        let model = try PublishedModel(
            version: version, weights: weights, specs: specs, architecture: settings.model, incarnation: incarnation)
        latest = version
        servable[version] = model
        return model
    }

    /// Lets the deployment policy place a recorded version: production (the first one) or the
    /// candidate. True if production moved.
    func place(_ version: Int, round: Int) async throws -> Bool {
        defer { prune() }
        switch deployment.onNewVersion(version) {
        case let .promote(version, reason, fieldAccuracy):
            return try await promote(version, reason: reason, fieldAccuracy: fieldAccuracy, against: registryProduction)
        case let .evaluate(version):
            try await sql { _ = try $0.setAlias(.candidate, to: version, reason: "trained in round \(round)", by: Coordinator.senderID) }
            return false
        }
    }

    /// What nodes should serve.
    var served: (production: ServedModel?, candidate: ServedModel?) {
        (deployment.production.flatMap { servable[$0]?.served }, deployment.candidate.flatMap { servable[$0]?.served })
    }

    /// A version nodes may serve or train — the latest, production or the candidate — from
    /// memory or the registry; nil for any other. Loaded once and kept until the next prune,
    /// so that every node asking for the same version is served from memory.
    func servableModel(_ version: Int) async -> PublishedModel? {
        guard [latest, deployment.production, deployment.candidate].contains(version) else { return nil }
        return try? await load(version)
    }

    // MARK: - Production

    /// Makes `version` production in the registry and for the nodes; resolves the open drift
    /// alert once a retrained version has recovered to 98 % of the pre-drift level. A
    /// production set meanwhile by an admin or another process wins: the decision was taken
    /// against the production (`against`) it replaced. True if production moved.
    private func promote(_ version: Int, reason: String, fieldAccuracy: Double?, against: Int?) async throws -> Bool {
        try await oneMoveAtATime {
            guard registryProduction == against, await !adoptFromRegistry() else { return registryProduction != against }
            try await promoteNow(version, reason: reason, fieldAccuracy: fieldAccuracy)
            return true
        }
    }

    private func promoteNow(_ version: Int, reason: String, fieldAccuracy: Double?) async throws {
        _ = try await sql { try $0.promote(version, reason: reason, by: Coordinator.senderID) }
        registryProduction = version
        deployment.promote(version)
        promotions.append(Promotion(version: version, reason: reason))
        CoordinatorEvent.promoted(version: version, reason: reason).emit()
        logger.notice("promoted to production", metadata: ["fedz.version": "\(version)", "reason": "\(reason)"])
        if let retraining, let fieldAccuracy, fieldAccuracy >= 0.98 * retraining.preDriftAccuracy {
            let resolution = "version \(version) recovered: \(reason)"
            _ = try? await sql { try $0.resolveAlert(retraining.alert, resolution: resolution) }
            self.retraining = nil
            CoordinatorEvent.recovered(alert: retraining.alert, version: version).emit()
        }
    }

    /// Adopts a production version set in the registry by another process since this desk last
    /// wrote or read it (`fedz models promote` or `rollback`), so that nodes switch to it; true
    /// if it did.
    @discardableResult
    func adoptRegistryProduction() async -> Bool {
        await oneMoveAtATime { await adoptFromRegistry() }
    }

    private func adoptFromRegistry() async -> Bool {
        guard let production = try? await sql({ try $0.alias(.production)?.number }), production != registryProduction,
              let model = try? await load(production)
        else { return false }
        adopt(model, reason: "set in the registry (fedz models)")
        return true
    }

    /// An admin's production change, by message: carried out at once, or refused with the reason.
    func changeProduction(_ change: ProductionChange, by admin: String) async -> ProductionChangeResult {
        await oneMoveAtATime { await changeProductionNow(change, by: admin) }
    }

    private func changeProductionNow(_ change: ProductionChange, by admin: String) async -> ProductionChangeResult {
        let move: AliasMove
        do {
            switch (change.action, change.version) {
            case (.promote, let version?):
                _ = try await load(version)  // a version whose weights cannot be loaded is refused before the registry moves
                move = try await sql { try $0.promote(version, reason: change.reason, by: admin) }
            default:
                move = try await sql { try $0.rollback(reason: change.reason, by: admin) }
            }
        } catch {
            logger.warning("production change refused", metadata: ["fedz.admin": "\(admin)", "error": "\(error)"])
            return ProductionChangeResult(request: change.request, refusal: "\(error)")
        }
        guard let production = move.version else {
            return ProductionChangeResult(request: change.request, refusal: "the registry left production unset")
        }
        do {
            adopt(try await load(production), reason: "\(change.action.rawValue) by \(admin): \(change.reason)")
        } catch {
            logger.error("production moved but cannot be served", metadata: ["fedz.version": "\(production)", "error": "\(error)"])
            return ProductionChangeResult(
                request: change.request, refusal: "production is \(production) in the registry, but it cannot be served: \(error)")
        }
        return ProductionChangeResult(request: change.request, previous: move.previous, production: production)
    }

    /// Serves `model` as production, which the registry's production alias now names.
    private func adopt(_ model: PublishedModel, reason: String) {
        servable[model.version] = model
        registryProduction = model.version
        deployment.promote(model.version)
        promotions.append(Promotion(version: model.version, reason: reason))
        CoordinatorEvent.promoted(version: model.version, reason: reason).emit()
        logger.notice("production changed", metadata: ["fedz.version": "\(model.version)", "reason": "\(reason)"])
    }

    // MARK: - Field data and drift

    /// Records a node's field report and lets it judge the candidate; true if that promoted it.
    func fieldReport(_ observation: FieldObservation, from node: String) async throws(WireError) -> Bool {
        var reports = [FieldReport(
            version: observation.version, node: node, accuracy: observation.accuracy, samples: observation.samples, time: Date())]
        if let version = observation.candidateVersion, let accuracy = observation.candidateAccuracy {
            reports.append(FieldReport(version: version, node: node, accuracy: accuracy, samples: observation.samples, time: Date()))
        }
        do {
            try await sql { [reports] in try $0.recordFieldMetrics(reports) }
        } catch let error as RegistryError {
            if case .unknownVersion(let version) = error.kind {
                throw WireError(.unexpected, "a field report on version \(version), which the registry does not hold")
            }
            logger.warning("could not record field metrics", metadata: ["error": "\(error)"])
        } catch {
            logger.warning("could not record field metrics", metadata: ["error": "\(error)"])
        }
        guard case let .promote(version, reason, fieldAccuracy) = deployment.onFieldReport(
            production: observation.version, productionAccuracy: observation.accuracy,
            candidate: observation.candidateVersion, candidateAccuracy: observation.candidateAccuracy,
            samples: observation.samples)
        else { return false }
        do {
            return try await promote(version, reason: reason, fieldAccuracy: fieldAccuracy, against: registryProduction)
        } catch {
            logger.error("promotion failed", metadata: ["fedz.version": "\(version)", "error": "\(error)"])
            return false
        }
    }

    /// A drift alert from the monitor: training restarts from production, on the data the nodes
    /// hold now. Returns the retraining it begins; nil when one is under way or nothing can be
    /// retrained from.
    func retrain(alert: Int) async -> Retraining? {
        guard retraining == nil, let production = deployment.production, servable[production] != nil else { return nil }
        let reports = ((try? await sql { try $0.fieldReports(of: production) }) ?? []).map(\.accuracy).sorted()
        guard retraining == nil else { return nil }  // begun meanwhile by another alert
        let retraining = Retraining(alert: alert, preDriftAccuracy: reports.isEmpty ? 0 : reports[reports.count / 2])
        self.retraining = retraining
        return retraining
    }

    /// At a round's start: once a drift alert asked for it, the production model to train from
    /// (it becomes the latest version); nil otherwise.
    func retrainingStart() -> PublishedModel? {
        guard var retraining, !retraining.started, let production = deployment.production,
              let model = servable[production]
        else { return nil }
        retraining.started = true
        self.retraining = retraining
        latest = production
        return model
    }

    // MARK: - Checkpoints and records

    /// This desk's part of the run as it stands.
    var state: ModelOpsState {
        ModelOpsState(
            production: deployment.production, candidate: deployment.candidate, retraining: retraining,
            promotions: promotions, startedAt: runStarted)
    }

    /// The registry's resume checkpoint, if it holds one.
    func loadCheckpoint() async throws -> Checkpoint? {
        try await sql { try $0.loadCheckpoint() }
    }

    /// Continues a run from its checkpoint; returns the latest version, the one rounds train from.
    func resume(latest version: Int, production: Int?, state run: RunCheckpoint) async throws -> PublishedModel {
        let model = try await load(version)
        (promotions, retraining, runStarted) = (run.promotions, run.retraining, run.startedAt)
        deployment = Deployment(production: production, policy: settings.promotion)
        registryProduction = production
        if let production { servable[production] = try await load(production) }
        if let candidate = run.candidate {
            _ = deployment.onNewVersion(candidate)
            servable[candidate] = try await load(candidate)
        }
        latest = version
        servable[version] = model
        return model
    }

    /// Writes `checkpoint` as the registry's resume checkpoint.
    func save(_ checkpoint: RoundCheckpoint) async throws {
        let extra = String(decoding: try FedzJSON.encoder([]).encode(checkpoint.run), as: UTF8.self)
        _ = try await sql {
            try $0.saveCheckpoint(
                round: checkpoint.round, productionVersion: checkpoint.production, rngState: checkpoint.rngState, extra: extra)
        }
    }

    /// Records a version's test metrics.
    func recordMetrics(_ metrics: TrainingMetrics, of version: Int) async throws {
        try await sql { try $0.recordMetrics(metrics, of: version) }
    }

    /// Alerts raised during this run, for the summary.
    func alertsOfThisRun() async -> [AlertRecord] {
        let started = runStarted
        return ((try? await sql { try $0.alerts() }) ?? []).filter { $0.alert.time >= started }
    }

    /// Alerts, versions and aliases for the dashboard; a read that fails leaves its part empty
    /// (the dashboard must not fail because the registry is busy).
    func records() async -> (alerts: [AlertRecord], versions: [ModelVersion], aliases: [ModelAlias: Int]) {
        let records = try? await sql { registry in
            ((try? registry.alerts()) ?? [], (try? registry.versions()) ?? [], (try? registry.aliases()) ?? [:])
        }
        return records ?? ([], [], [:])
    }

    // MARK: - Helpers

    /// Runs `work` on the registry's thread.
    private func sql<T: Sendable>(_ work: @escaping @Sendable (ModelRegistry) throws -> T) async throws -> T {
        let registry = self.registry
        return try await thread.run { try work(registry) }
    }

    /// `version` encoded for nodes, from memory or read (once, however many ask) from the registry.
    private func load(_ version: Int) async throws -> PublishedModel {
        if let model = servable[version] { return model }
        if let pending = loading[version] { return try await pending.value }
        let (registry, thread, specs, architecture, incarnation) = (registry, thread, specs, settings.model, incarnation)
        let pending = Task {
            try await thread.run {
                try PublishedModel(
                    version: version, weights: try registry.weights(of: version), specs: specs, architecture: architecture,
                    incarnation: incarnation)
            }
        }
        loading[version] = pending
        defer { loading[version] = nil }
        let model = try await pending.value
        servable[version] = model
        return model
    }

    /// Runs `move` once no other production change is under way.
    private func oneMoveAtATime<T>(_ move: () async throws -> T) async rethrows -> T {
        while moving { await withCheckedContinuation { waitingToMove.append($0) } }
        moving = true
        defer {
            moving = false
            if !waitingToMove.isEmpty { waitingToMove.removeFirst().resume() }
        }
        return try await move()
    }

    /// Keeps only the versions nodes may still ask for.
    private func prune() {
        let keep = Set([latest, deployment.production, deployment.candidate].compactMap { $0 })
        servable = servable.filter { keep.contains($0.key) }
    }
}
