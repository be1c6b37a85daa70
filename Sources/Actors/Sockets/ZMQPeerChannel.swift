import FedzProtocol

/// A node's or the monitor's `PeerChannel` over ZeroMQ: a SUB socket on the coordinator's
/// publisher, a PUSH socket for updates and one for control traffic, so that hellos and
/// heartbeats never queue behind updates.
public struct ZMQPeerChannel: PeerChannel {
    public let loop: IOLoop
    public let subscriber: Subscriber
    public let pusher: Pusher
    public let control: Pusher
    /// Told each transport security event while `serve` runs.
    let onSecurityEvent: @Sendable (SecurityEvent) -> Void

    /// Connects to the coordinator's `publish` endpoint (subscribed to `topics`), its `pull`
    /// endpoint and its `control` endpoint (which may be the PULL endpoint again).
    public static func connect(
        publish: String, topics: [Topic], pull: String, control: String, settings: SocketSettings,
        name: String, onSecurityEvent: @escaping @Sendable (SecurityEvent) -> Void
    ) async throws -> ZMQPeerChannel {
        let loop = try await IOLoop.start(name: name)
        do {
            let subscriber = try await Subscriber(
                loop: loop, connect: [publish], topics: topics.map(\.rawValue), settings: settings)
            let pusher = try await Pusher(loop: loop, connect: pull, settings: settings)
            let controlPusher = try await Pusher(loop: loop, connect: control, settings: settings)
            return ZMQPeerChannel(
                loop: loop, subscriber: subscriber, pusher: pusher, control: controlPusher, onSecurityEvent: onSecurityEvent)
        } catch {
            await loop.shutdown()
            throw error
        }
    }

    public var messages: any AsyncSequence<Multipart, Never> & Sendable { subscriber.messages }

    public func push(_ frames: Multipart, control: Bool, timeout: Duration) async throws {
        try await (control ? self.control : pusher).send(frames, timeout: timeout)
    }

    public func traffic() async -> [SocketCounters] {
        [await subscriber.counters, await pusher.counters, await control.counters]
    }

    public func serve() async {
        for await event in loop.securityEvents { onSecurityEvent(event) }
    }

    /// Closes the sockets and stops the I/O thread.
    public func close() async { await loop.shutdown() }
}
