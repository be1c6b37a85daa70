import Federation
import FedzProtocol
import Foundation
import Logging
import ModelOps

/// Where the monitor publishes its drift alerts: its own PUB socket in a process
/// (`Monitor+ZeroMQ.swift`), a recorder in a test.
protocol AlertOutlet: Sendable {
    /// The endpoint subscribers connect to.
    var endpoint: String { get }
    func publish(_ frames: Multipart) async throws
    /// The outlet's counters, for telemetry.
    func counters() async -> [SocketCounters]
}

/// The ModelOps monitor: follows the coordinator's field metrics and status, and on drift
/// records an alert in the registry, publishes it on its `AlertOutlet` and asks the
/// coordinator to retrain. A thin shell around the pure `DriftMonitor`; it reaches the
/// coordinator only through its `PeerChannel` and reads time only from its `FederationClock`.
actor Monitor {
    static let senderID = "monitor"

    private let settings: MonitorSettings
    private let logger: Logger
    let channel: any PeerChannel
    private let clock: any FederationClock
    let alerts: any AlertOutlet
    private let registry: ModelRegistry
    private let incarnation = Incarnation.now()
    var drift: DriftMonitor
    var rejections = RejectionCounter()
    /// The latest field accuracy of each node, and alerts raised by this process.
    var field: [String: Double] = [:]
    var alertsRaised = 0

    /// Opens the registry and resumes its open alerts; the monitor talks to the coordinator
    /// through `channel` (subscribed to the metrics and round topics) on `clock`'s time.
    static func start(
        settings: MonitorSettings, logger: Logger, channel: any PeerChannel, clock: any FederationClock,
        alerts: any AlertOutlet
    ) throws -> Monitor {
        let registry = try ModelRegistry.open(directory: settings.stateDirectory)
        let open = try registry.openAlerts()
        if !open.isEmpty { logger.notice("resuming with open alerts", metadata: ["alerts": "\(open.map(\.id))"]) }
        return Monitor(
            settings: settings, logger: logger, channel: channel, clock: clock, alerts: alerts, registry: registry,
            drift: DriftMonitor(configuration: settings.detection, openAlerts: open))
    }

    private init(
        settings: MonitorSettings, logger: Logger, channel: any PeerChannel, clock: any FederationClock,
        alerts: any AlertOutlet, registry: ModelRegistry, drift: DriftMonitor
    ) {
        self.settings = settings
        self.logger = logger
        self.channel = channel
        self.clock = clock
        self.alerts = alerts
        self.registry = registry
        self.drift = drift
    }

    /// The alert outlet's real endpoint.
    nonisolated var alertsEndpoint: String { alerts.endpoint }

    /// Runs until cancelled, calling `onAlert` for each alert raised.
    func run(onAlert: @escaping @Sendable (DriftAlertMessage) -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in self.channel.messages { await self.receive(message, onAlert: onAlert) }
            }
            group.addTask {
                while !Task.isCancelled {
                    await self.beat()
                    try await self.clock.sleep(for: self.settings.heartbeatInterval)
                }
            }
            group.addTask { await self.channel.serve() }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Closes the channel.
    func shutdown() async {
        await channel.close()
    }

    // MARK: - Receiving

    private func receive(_ frames: Multipart, onAlert: @Sendable (DriftAlertMessage) -> Void) async {
        do {
            let envelope = try WireFormat.decode(frames)
            guard envelope.header.sender == Coordinator.senderID else {
                throw WireError(.unexpected, "message from \(envelope.header.sender)")
            }
            switch envelope.header.kind {
            case .heartbeat:
                await onStatus(try envelope.body(CoordinatorStatus.self))
            case .fieldMetrics:
                let metrics = try envelope.body(FieldMetrics.self)
                try metrics.observation.validate()
                guard WireBounds.isValidSender(metrics.node) else { throw WireError(.badBody, "field metrics of an invalid node id") }
                let now = Date()
                let report = FieldReport(
                    version: metrics.observation.version, node: metrics.node, accuracy: metrics.observation.accuracy,
                    samples: metrics.observation.samples, time: now)
                field[metrics.node] = metrics.observation.accuracy
                if let raised = drift.onReport(report, now: now) { await raise(raised, onAlert: onAlert) }
            default:
                break  // round starts and round results share the topics; the monitor needs neither
            }
        } catch {
            let wireError = error as? WireError ?? WireError(.unexpected, "\(error)")
            if rejections.record(wireError.reason) {
                logger.warning("message rejected", metadata: ["reason": "\(wireError.reason)", "detail": "\(wireError.detail)"])
            }
        }
    }

    private func onStatus(_ status: CoordinatorStatus) async {
        let previous = drift.production
        let retrain = drift.onStatus(production: status.production?.version, candidate: status.candidate?.version)
        if drift.production != previous {
            logger.info("production changed; detectors re-armed", metadata: ["fedz.version": "\(drift.production.map(String.init) ?? "none")"])
        }
        for id in retrain {
            logger.notice("open alert and no candidate; asking for retraining again", metadata: ["fedz.alert": "\(id)"])
            await push(.retrainRequest, body: RetrainRequest(alert: id, reason: "alert \(id) still open after a monitor restart"))
        }
    }

    // MARK: - Alerts

    /// Records, logs, reports and publishes an alert, then asks the coordinator to retrain.
    private func raise(_ raised: DriftMonitor.Raised, onAlert: @Sendable (DriftAlertMessage) -> Void) async {
        let alert = raised.alert
        let record: AlertRecord
        do {
            record = try registry.recordAlert(alert, version: raised.version)
        } catch {
            logger.error("cannot record a drift alert", metadata: ["stream": "\(alert.stream)", "error": "\(error)"])
            return
        }
        drift.onRecorded(id: record.id)
        alertsRaised += 1
        let message = DriftAlertMessage(
            id: record.id, detector: alert.detector, stream: alert.stream, value: alert.value, baseline: alert.baseline,
            version: raised.version, time: alert.time.timeIntervalSince1970)
        logger.warning(
            "drift alert",
            metadata: [
                "fedz.alert": "\(record.id)", "stream": "\(alert.stream)", "detector": "\(alert.detector)",
                "value": "\(alert.value)", "baseline": "\(alert.baseline)", "fedz.version": "\(raised.version)",
            ])
        onAlert(message)
        do {
            try await alerts.publish(WireFormat.encode(Envelope(topic: .driftAlert, header: header(.driftAlert), body: message)))
        } catch {
            logger.warning("cannot publish a drift alert", metadata: ["fedz.alert": "\(record.id)", "error": "\(error)"])
        }
        let reason = "\(alert.detector) drift on \(alert.stream): \(alert.value) against \(alert.baseline)"
        await push(.retrainRequest, body: RetrainRequest(alert: record.id, reason: reason))
    }

    // MARK: - Sending

    /// Heartbeats the coordinator and picks up alerts resolved elsewhere from the registry.
    private func beat() async {
        do {
            drift.onOpenAlerts(try registry.openAlerts())
        } catch {
            logger.warning("cannot read open alerts", metadata: ["error": "\(error)"])
        }
        await push(.heartbeat, body: Empty())
    }

    private func header(_ kind: MessageKind) -> Header {
        Header(kind: kind, sender: Self.senderID, incarnation: incarnation)
    }

    /// Pushes to the coordinator on the control topic (all the monitor sends is heartbeats and
    /// retrain requests), waiting at most one heartbeat interval × 5 for room; failures are logged.
    private func push<Body: Encodable>(_ kind: MessageKind, body: Body) async {
        do {
            let envelope = try Envelope(topic: .control, header: header(kind), body: body)
            try await channel.push(WireFormat.encode(envelope), control: true, timeout: settings.heartbeatInterval * 5)
        } catch {
            logger.log(level: kind == .heartbeat ? .debug : .warning, "send failed", metadata: ["kind": "\(kind)", "error": "\(error)"])
        }
    }
}
