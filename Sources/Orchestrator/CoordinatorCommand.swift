import Actors
import ArgumentParser
import CommandSupport
import Federation
import FedzProtocol
import Foundation
import Learning
import Telemetry

/// `fedz coordinator`: runs the coordinator in this process. Prints one JSON event
/// per line on standard output (ready, progress, round, abandoned, finished, …); logs go
/// to standard error.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator", abstract: "Run the coordinator of a federation.")

    @OptionGroup var federation: FederationOptions

    @Option(name: .customLong("publish"), help: "Endpoint the PUB socket binds (round starts, models, metrics); default tcp://*:7001, tcp://127.0.0.1:7001 with --plaintext.")
    var publishOption: String?

    @Option(name: .customLong("pull"), help: "Endpoint the PULL socket binds (updates; also hellos and heartbeats from nodes without --coordinator-control); default tcp://*:7002, tcp://127.0.0.1:7002 with --plaintext.")
    var pullOption: String?

    var publish: String { publishOption ?? security.defaultBind(port: 7001) }
    var pull: String { pullOption ?? security.defaultBind(port: 7002) }

    @Option(help: "Endpoint a second PULL socket binds for control traffic (hellos, heartbeats, requests), e.g. tcp://*:7004, so that it never queues behind updates; nodes and the monitor reach it with --coordinator-control.")
    var control: String?

    @Option(help: "Start round 1 once this many clients are registered (or at --start-timeout).")
    var expectClients = 1

    @Option(help: "Seconds to wait for --expect-clients before starting with whoever is there.")
    var startTimeout = 60.0

    @Option(help: "Directory of the model registry and the run's checkpoint.")
    var stateDir = "state"

    @Flag(help: "Resume an unfinished run from the checkpoint in --state-dir (after a crash).")
    var resume = false

    @Option(help: "Exit when the process with this id is no longer the parent.")
    var parentPid: Int32?

    @Option(help: "Faults to inject into the coordinator's messages (same form as fedz-node --fault-plan).")
    var faultPlan: String?

    @Option(help: "Seconds to keep serving metrics and the dashboard after the last round.")
    var linger = 0.0

    @OptionGroup var metrics: MetricsOptions

    @OptionGroup var security: SecurityOptions

    @OptionGroup var logging: LoggingOptions

    @OptionGroup var config: ConfigOptions

    func validate() throws {
        guard expectClients > 0, startTimeout > 0, linger >= 0 else {
            throw ValidationError("--expect-clients and --start-timeout must be positive, --linger not negative")
        }
        if let faultPlan { _ = try FaultPlan(parsing: faultPlan) }
        try security.checkBinds([publish, pull] + (control.map { [$0] } ?? []))
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "fedz.coordinator")
        security.warnIfPlaintext(logger)
        let settings = CoordinatorSettings(
            publishEndpoint: publish, pullEndpoint: pull, controlEndpoint: control, model: federation.architecture,
            dataDirectory: DataDirectory.resolve(federation.dataDir, dataset: federation.dataset),
            testData: federation.testData, labelColumn: federation.labelColumn, noTestSet: federation.noTestSet, strategy: federation.strategySpec,
            rounds: federation.rounds, targetAccuracy: federation.targetAccuracy, fraction: federation.fraction,
            sampling: federation.sampling, minimumClients: federation.minClients,
            expectedClients: expectClients, startTimeout: .seconds(startTimeout),
            roundTimeout: .seconds(federation.roundTimeout), training: federation.training, seed: federation.seed,
            heartbeatInterval: federation.heartbeat.interval, heartbeatLiveness: federation.heartbeat.heartbeatLiveness,
            security: try security.store?.server(), faultPlan: try faultPlan.map(FaultPlan.init(parsing:)) ?? FaultPlan(),
            stateDirectory: stateDir, resume: resume, secureAggregation: federation.privacy.secureAggregationSettings,
            privacy: federation.privacy.privacy, promotion: federation.promotion)
        let model = try ModelZoo.learner(settings.model, seed: settings.seed)
        if let path = federation.initialWeights {
            // Registered as version 1 by a fresh run; a resumed run keeps its checkpoint's.
            try model.setParameters(InitialWeights.load(path: path, architecture: settings.model))
            logger.notice("starting from the weights in \(path)")
        } else if let weights = ModelArgument.importedWeights(federation.model) {
            // An ONNX file's network starts from the weights it came with.
            try model.setParameters(weights)
            logger.notice("starting from the weights in \(federation.model)")
        }
        let (channel, endpoints) = try await CoordinatorSockets.bind(
            settings, modelBytes: model.parameterSpecs.reduce(0) { $0 + 4 * $1.count }, logger: logger)
        let coordinator: Coordinator
        do {
            coordinator = try await Coordinator.start(
                settings: settings, logger: logger, channel: channel, clock: SystemClock(), model: model)
        } catch {
            await channel.close()
            throw error
        }
        CoordinatorEvent.ready(publish: endpoints.publish, pull: endpoints.pull, control: endpoints.control).emit()
        let telemetry = await serveTelemetry(coordinator, logger: logger)

        let linger = self.linger
        let outcome = await ProcessServices.run(beside: telemetry.map { [$0] } ?? [], parent: parentPid, logger: logger) {
            reason in logger.info("stopping", metadata: ["reason": "\(reason)"])
        } _: {
            let rounds: Result<[RoundResult], any Error>
            do {
                rounds = .success(try await coordinator.run { CoordinatorEvent.round($0).emit() })
            } catch {
                rounds = .failure(error)
            }
            let report = await coordinator.report
            await coordinator.shutdown()
            if report.failure == nil { _ = try rounds.get() }
            CoordinatorEvent.finished(report).emit()
            // The finished run's metrics and dashboard stay served for --linger seconds, or until a stop.
            if telemetry != nil { try? await Task.sleep(for: .seconds(linger)) }
            return rounds
        }
        switch outcome {
        case .stopped:
            throw ExitCode(130)
        case .finished(let result):
            // A run that gave up has reported what it did and why it stopped; now it fails.
            _ = try result.get().get()
        }
    }
}
