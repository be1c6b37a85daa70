import Actors
import ArgumentParser
import CommandSupport
import FedzProtocol
import Foundation
import Telemetry

/// `fedz monitor`: the ModelOps monitor in this process. Prints one JSON line per event on
/// standard output (ready with the alert endpoint, then one per alert); logs go to standard error.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor", abstract: "Watch field accuracy for drift, raise alerts and ask for retraining.")

    @Option(help: "The coordinator's PUB endpoint (metrics and status).")
    var coordinatorPublish = "tcp://127.0.0.1:7001"

    @Option(help: "The coordinator's PULL endpoint (heartbeats and retrain requests).")
    var coordinatorPull = "tcp://127.0.0.1:7002"

    @Option(help: "The coordinator's control endpoint (its --control); when given, heartbeats and retrain requests go there.")
    var coordinatorControl: String?

    @Option(name: .customLong("alerts"), help: "Endpoint the alert PUB socket binds; default tcp://*:7003, tcp://127.0.0.1:7003 with --plaintext.")
    var alertsOption: String?

    var alerts: String { alertsOption ?? security.defaultBind(port: 7003) }

    @Option(help: "State directory shared with the coordinator (the model registry).")
    var stateDir = "state"

    @OptionGroup var heartbeat: HeartbeatOptions

    @Option(help: "Exit when the process with this id is no longer the parent.")
    var parentPid: Int32?

    @OptionGroup var metrics: MetricsOptions

    @OptionGroup var security: SecurityOptions

    @OptionGroup var logging: LoggingOptions

    @OptionGroup var config: ConfigOptions

    func validate() throws {
        try security.checkBinds([alerts])
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "fedz.monitor")
        security.warnIfPlaintext(logger)
        let curve = try security.store?.monitor()
        let settings = MonitorSettings(
            coordinatorPublish: coordinatorPublish, coordinatorPull: coordinatorControl ?? coordinatorPull, alertsEndpoint: alerts,
            stateDirectory: URL(fileURLWithPath: stateDir), heartbeatInterval: heartbeat.interval,
            coordinatorCurve: curve?.client, alertsCurve: curve?.server)
        let monitor = try await Monitor.start(settings: settings, logger: logger)
        MonitorEvent.ready(alerts: monitor.alertsEndpoint).emit()
        let recorder = MetricsRecorder()
        let telemetry = await TelemetryServer.serve(
            metrics, defaultPort: 9471, recorder: recorder, refresh: { await monitor.record(into: recorder) }, logger: logger)

        let outcome = await ProcessServices.run(beside: telemetry.map { [$0] } ?? [], parent: parentPid, logger: logger) {
            reason in logger.info("stopping", metadata: ["reason": "\(reason)"])
        } _: {
            try await monitor.run { MonitorEvent.alert($0).emit() }
        }
        await monitor.shutdown()
        if case .stopped = outcome { throw ExitCode(130) }
    }
}
