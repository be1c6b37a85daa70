import Federation
import Foundation
import FedzProtocol
import Logging
import ModelOps
import Synchronization
import Testing

@testable import Orchestrator

/// The real `Monitor` — its Page-Hinkley detectors, its registry writes, its heartbeats — on
/// the in-memory fleet beside the coordinator, on virtual time: the drift that
/// `CoordinatorModelOpsTests` stages with a threshold monitor, caught by the detectors fedz ships.
@Suite struct CoordinatorMonitorTests {
    /// Collects the alerts the monitor publishes.
    final class RecordingOutlet: AlertOutlet {
        let published = Mutex<[DriftAlertMessage]>([])
        var endpoint: String { "inproc://alerts" }

        func publish(_ frames: Multipart) async throws {
            let alert = try WireFormat.decode(frames).body(DriftAlertMessage.self)
            published.withLock { $0.append(alert) }
        }

        func counters() async -> [SocketCounters] { [] }
    }

    @Test func theMonitorsDetectorsCatchTheDriftAndTheRetrainedVersionResolvesIt() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        let nodes = await fleet.startNodes(
            CoordinatorModelOpsTests.clients, trainingTime: CoordinatorModelOpsTests.trainingTime,
            fieldOracle: CoordinatorModelOpsTests.oracle(retrained: 0.90), delta: CoordinatorModelOpsTests.delta)
        let outlet = RecordingOutlet()
        let monitor = try Monitor.start(
            settings: MonitorSettings(
                coordinatorPublish: "inproc", coordinatorPull: "inproc", alertsEndpoint: outlet.endpoint,
                stateDirectory: fleet.stateDirectory, heartbeatInterval: Fleet.heartbeat),
            logger: Logger(label: "fedz.monitor-tests") { _ in SwiftLogNoOpLogHandler() },
            channel: fleet.network.connect(Coordinator.monitorID, topics: [.metrics, .round]), clock: fleet.clock,
            alerts: outlet)
        let watching = Task { try await monitor.run { _ in } }
        let coordinator = try await fleet.startCoordinator(fleet.settings(rounds: 6, expectedClients: 4))
        let outcome = await fleet.run(coordinator)
        watching.cancel()
        await monitor.shutdown()
        await coordinator.shutdown()
        let registry = coordinator.modelOps.registry

        #expect(outcome.error == nil)
        #expect(outcome.history.map(\.modelVersion) == [2, 3, 4, 5, 6, 7])
        // One alert, raised by a Page-Hinkley detector on a node's stream when version 2
        // (production) fell to 0.50 — published, and recorded in the registry.
        let published = outlet.published.withLock { $0 }
        #expect(published.count == 1)
        #expect(published.map(\.detector) == ["page-hinkley"] && published.map(\.version) == [2] && published.map(\.value) == [0.5])
        #expect(published.allSatisfy { ["node/node-0", "node/node-1"].contains($0.stream) && $0.baseline > 0.8 }, "\(published)")
        let alerts = try registry.alerts()
        #expect(alerts.map(\.id) == published.map(\.id))
        // Round 4, the first to open after the alert, retrained from production (version 2);
        // version 5, the retrained one, won on field data and resolved the alert.
        let recovered = "field accuracy 90.0 % vs production's 50.0 % on 300 samples"
        #expect(await coordinator.modelOps.promotions == [
            Promotion(version: 1, reason: "first version"),
            Promotion(version: 2, reason: "field accuracy 90.0 % vs production's 80.0 % on 300 samples"),
            Promotion(version: 5, reason: recovered),
        ])
        for node in nodes { #expect(await node.trainedVersions == [1: 1, 2: 2, 3: 3, 4: 2, 5: 5, 6: 6]) }
        #expect(alerts.map(\.state) == [.resolved])
        #expect(alerts.map(\.resolution) == ["version 5 recovered: \(recovered)"])
        #expect(await monitor.rejections.counts.isEmpty)
    }
}
