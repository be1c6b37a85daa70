import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
import Logging
import ModelOps
@testable import Orchestrator
import Testing

/// The monitor process's shell against a fake coordinator (a PUB and a PULL in this process)
/// over loopback TCP with real libzmq: field metrics that drop from 0.97 to 0.40 give a
/// `drift_alert` on the monitor's PUB, a `retrain_request` on the coordinator's PULL and an
/// open alert in the registry.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct MonitorClusteredTests {
    struct TimedOut: Error {}

    @Test func aDropRaisesOneAlertPublishedRecordedAndSentForRetraining() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-monitor-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let registry = try ModelRegistry.open(directory: state)
        let version = try registry.register(
            VersionDraft(parent: nil, round: 1, architecture: "mlp", strategy: "fedavg", config: "{}", metrics: TrainingMetrics()),
            weights: [Tensor(shape: [2], values: [1, 2])])

        let loop = try await IOLoop.start(name: "fedz-test-io")
        let coordinatorPublisher = try await Publisher(loop: loop, bind: "tcp://127.0.0.1:*")
        let coordinatorPuller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
        let settings = MonitorSettings(
            coordinatorPublish: coordinatorPublisher.endpoint, coordinatorPull: coordinatorPuller.endpoint,
            alertsEndpoint: "tcp://127.0.0.1:*", stateDirectory: state, heartbeatInterval: .milliseconds(200))
        let monitor = try await Monitor.start(settings: settings, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let running = Task { try await monitor.run { _ in } }
        let alerts = try await Subscriber(loop: loop, connect: [monitor.alertsEndpoint], topics: [Topic.driftAlert.rawValue])

        // The monitor says it is there before anything else.
        let beat = try await Self.next(coordinatorPuller.messages) { $0.header.kind == .heartbeat }
        #expect(beat.header.sender == "monitor")

        let feed = Task {
            let status = CoordinatorStatus(round: 1, production: ServedModel(version: version.number, hash: version.hash), candidate: nil)
            for tick in 0..<300 {
                try await coordinatorPublisher.send(WireFormat.encode(Envelope(
                    topic: .round, header: Header(kind: .heartbeat, sender: "coordinator", incarnation: 1), body: status)))
                for node in 0..<4 {
                    let observation = FieldObservation(version: version.number, accuracy: tick < 15 ? 0.97 : 0.40, samples: 200)
                    try await coordinatorPublisher.send(WireFormat.encode(Envelope(
                        topic: .metrics, header: Header(kind: .fieldMetrics, sender: "coordinator", incarnation: 1),
                        body: FieldMetrics(node: "node-\(node)", round: 1, observation: observation))))
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { feed.cancel() }

        let published = try await Self.next(alerts.messages) { $0.header.kind == .driftAlert }.body(DriftAlertMessage.self)
        #expect(published.version == version.number)
        #expect(published.value < 0.5 && published.baseline > 0.9)
        let request = try await Self.next(coordinatorPuller.messages) { $0.header.kind == .retrainRequest }
        #expect(try request.body(RetrainRequest.self).alert == published.id)
        #expect(try registry.openAlerts().map(\.id) == [published.id])
        #expect(try registry.openAlerts().first?.alert.stream == published.stream)

        feed.cancel()
        running.cancel()
        _ = await running.result
        await monitor.shutdown()
        await loop.shutdown()
        #expect(try registry.alerts().count == 1, "one drift, one alert")
    }

    /// The next decodable message on `messages` that `matches`, within 10 seconds.
    static func next(
        _ messages: InboundMessages, matching matches: @escaping @Sendable (Envelope) -> Bool
    ) async throws -> Envelope {
        try await withThrowingTaskGroup(of: Envelope?.self) { group in
            group.addTask {
                for await frames in messages {
                    if let envelope = try? WireFormat.decode(frames), matches(envelope) { return envelope }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                throw TimedOut()
            }
            defer { group.cancelAll() }
            return try #require(try await group.next() ?? nil)
        }
    }
}
