import Actors
import FedzProtocol
import Logging

/// The monitor's alerts on a PUB socket of its own.
struct PublisherOutlet: AlertOutlet {
    let publisher: Publisher

    var endpoint: String { publisher.endpoint }

    func publish(_ frames: Multipart) async throws {
        try await publisher.send(frames)
    }

    func counters() async -> [SocketCounters] {
        [await publisher.counters]
    }
}

extension Monitor {
    /// The monitor as a process runs it: a `ZMQPeerChannel` to the coordinator (everything it
    /// sends is control traffic, pushed to `coordinatorPull`), and its alert PUB bound on the
    /// same I/O loop.
    static func start(settings: MonitorSettings, logger: Logger) async throws -> Monitor {
        let channel = try await ZMQPeerChannel.connect(
            publish: settings.coordinatorPublish, topics: [.metrics, .round], pull: settings.coordinatorPull,
            control: settings.coordinatorPull, settings: SocketSettings(curve: settings.coordinatorCurve),
            name: "fedz-monitor-io",
            onSecurityEvent: { event in logger.warning("transport security", metadata: ["event": "\(event)"]) })
        do {
            let publisher = try await Publisher(
                loop: channel.loop, bind: settings.alertsEndpoint, settings: SocketSettings(curve: settings.alertsCurve))
            return try start(
                settings: settings, logger: logger, channel: channel, clock: SystemClock(), alerts: PublisherOutlet(publisher: publisher))
        } catch {
            await channel.close()
            throw error
        }
    }
}
