import FedzProtocol

/// The coordinator's `FederationChannel` over ZeroMQ: a PUB socket for what it publishes, a PULL
/// socket for what nodes push (with a priority lane for the control topic), and, when bound,
/// a second PULL socket for control traffic alone.
public struct ZMQFederationChannel: FederationChannel {
    public let loop: IOLoop
    public let publisher: Publisher
    public let puller: Puller
    public let control: Puller?
    /// Told each transport security event (a refused handshake, …) while `serve` runs.
    let onSecurityEvent: @Sendable (SecurityEvent) -> Void

    public init(
        loop: IOLoop, publisher: Publisher, puller: Puller, control: Puller?,
        onSecurityEvent: @escaping @Sendable (SecurityEvent) -> Void
    ) {
        self.loop = loop
        self.publisher = publisher
        self.puller = puller
        self.control = control
        self.onSecurityEvent = onSecurityEvent
    }

    public var lanes: [any AsyncSequence<ReceivedMessage, Never> & Sendable] {
        [puller.messages.withPeers] + [puller.priorityMessages, control?.messages].compactMap { $0?.withPeers }
    }

    /// Over the PULL socket's priority lane and the control socket.
    public var controlBacklogSince: ContinuousClock.Instant? {
        [puller.priorityMessages, control?.messages].compactMap { $0?.unfinishedSince }.min()
    }

    public func send(_ frames: Multipart) async throws { try await publisher.send(frames) }

    public var refusals: ChannelRefusals {
        ChannelRefusals(
            oversized: [puller.messages, control?.messages].compactMap { $0 }.reduce(0) { $0 + $1.overLimit },
            handshakes: loop.authenticatorCounters.refused)
    }

    public func traffic() async -> [SocketCounters] {
        var counters = [await publisher.counters, await puller.counters]
        if let control { counters.append(await control.counters) }
        return counters
    }

    public func serve() async {
        for await event in loop.securityEvents {
            onSecurityEvent(event)
        }
    }

    /// Closes the sockets and stops the I/O thread.
    public func close() async { await loop.shutdown() }
}
