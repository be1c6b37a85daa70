import Federation
import Foundation
import FedzProtocol
import ModelOps
import Testing

@testable import Orchestrator

/// The ModelOps monitor as the coordinator sees it, on an `InMemoryFleet`: it heartbeats as
/// "monitor", follows the field metrics the coordinator republishes, and the first time
/// production's field accuracy falls below `threshold` it does what `Monitor.raise` does —
/// records an open alert in the fleet's registry and asks the coordinator to retrain, naming
/// that alert. Its detector is a plain threshold, so a test knows when it fires.
actor SimulatedMonitor {
    let threshold: Double
    let registry: ModelRegistry
    let clock: VirtualClock
    let interval: Duration
    private let connection: InMemoryConnection
    private var tasks: [Task<Void, Never>] = []
    /// The alerts raised, in order.
    private(set) var raised: [AlertRecord] = []
    /// The accuracy of production before the drift: the last report above the threshold.
    private var baseline = 0.0

    init(fleet: Fleet, threshold: Double) throws {
        self.threshold = threshold
        registry = try ModelRegistry.open(directory: fleet.stateDirectory)
        clock = fleet.clock
        interval = Fleet.heartbeat
        connection = fleet.network.connect(Coordinator.monitorID, topics: [.metrics, .round])
    }

    /// Starts following the metrics and heart-beating.
    func start() {
        let connection = connection
        tasks.append(Task { [weak self] in
            for await frames in connection.messages { await self?.receive(frames) }
        })
        tasks.append(Task { [weak self] in
            while !Task.isCancelled, let monitor = self {
                await monitor.push(.heartbeat, body: Empty())
                do { try await monitor.clock.sleep(for: monitor.interval) } catch { return }
            }
        })
    }

    func stop() {
        for task in tasks { task.cancel() }
        connection.disconnect()
    }

    private func receive(_ frames: Multipart) {
        guard let envelope = try? WireFormat.decode(frames), envelope.header.kind == .fieldMetrics,
              let metrics = try? envelope.body(FieldMetrics.self)
        else { return }
        let observation = metrics.observation
        guard observation.accuracy < threshold else {
            baseline = observation.accuracy
            return
        }
        guard raised.isEmpty else { return }
        let alert = DriftAlert(
            detector: "threshold", stream: "global", value: observation.accuracy, baseline: baseline, time: Date())
        do {
            let record = try registry.recordAlert(alert, version: observation.version)
            raised.append(record)
            push(.retrainRequest, body: RetrainRequest(alert: record.id, reason: "field accuracy \(observation.accuracy) of version \(observation.version)"))
        } catch {
            Issue.record("the monitor could not record its alert: \(error)")
        }
    }

    private func push<Body: Encodable>(_ kind: MessageKind, body: Body) {
        let header = Header(kind: kind, sender: Coordinator.monitorID, incarnation: 1)
        guard let envelope = try? Envelope(topic: .control, header: header, body: body) else { return }
        connection.send(WireFormat.encode(envelope))
    }
}
