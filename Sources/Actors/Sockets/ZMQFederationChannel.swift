import FedzProtocol

/// The coordinator's `FederationChannel` over ZeroMQ: a PUB socket for what it publishes, a PULL
/// socket for what nodes push (with a priority lane for the control topic), and, when bound,
/// a second PULL socket for control traffic alone, on a loop of its own.
public struct ZMQFederationChannel: FederationChannel {
    public let loop: IOLoop
    public let publisher: Publisher
    public let puller: Puller
    public let control: Puller?
    /// The loop the control socket runs on: its own thread and ZeroMQ context (so its own libzmq
    /// I/O thread), so that a heartbeat never waits while either loop copies in updates.
    public let controlLoop: IOLoop?
    /// Told each transport security event (a refused handshake, …) while `serve` runs.
    let onSecurityEvent: @Sendable (SecurityEvent) -> Void

    public init(
        loop: IOLoop, publisher: Publisher, puller: Puller, control: Puller?, controlLoop: IOLoop?,
        onSecurityEvent: @escaping @Sendable (SecurityEvent) -> Void
    ) {
        self.loop = loop
        self.publisher = publisher
        self.puller = puller
        self.control = control
        self.controlLoop = controlLoop
        self.onSecurityEvent = onSecurityEvent
    }

    private var loops: [IOLoop] { [loop] + (controlLoop.map { [$0] } ?? []) }

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
            handshakes: loops.reduce(0) { $0 + $1.authenticatorCounters.refused })
    }

    public func traffic() async -> [SocketCounters] {
        var counters = [await publisher.counters, await puller.counters]
        if let control { counters.append(await control.counters) }
        return counters
    }

    public func serve() async {
        await withTaskGroup(of: Void.self) { group in
            for loop in loops {
                group.addTask {
                    for await event in loop.securityEvents { onSecurityEvent(event) }
                }
            }
        }
    }

    /// Closes the sockets and stops the I/O threads.
    public func close() async {
        for loop in loops { await loop.shutdown() }
    }
}
