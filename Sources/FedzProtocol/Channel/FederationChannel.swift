/// The coordinator's side of the transport: what it receives, on lanes drained concurrently, each
/// message with the peer the transport authenticated, and what it publishes. ZeroMQ implements it
/// for real processes, `InMemoryFleet` for a fleet in one process, and `FaultyChannel` wraps
/// either to inject a `FaultPlan`'s faults.
public protocol FederationChannel: Sendable {
    /// The inbound lanes: bulk traffic (updates) first, then lanes that carry only control
    /// traffic (hellos, heartbeats, requests), so that liveness never waits behind updates. Each
    /// ends when the channel closes.
    var lanes: [any AsyncSequence<ReceivedMessage, Never> & Sendable] { get }

    /// When the oldest message on the control lanes that the coordinator has not finished with
    /// arrived: one waiting, or the one a lane's consumer took last, until it comes back for the
    /// next. Nil when it has caught up. Liveness is judged only up to here: a peer whose
    /// heartbeat waits unread is not silent.
    var controlBacklogSince: ContinuousClock.Instant? { get }

    /// Publishes `frames` to every subscriber of their topic (the first frame).
    func send(_ frames: Multipart) async throws

    /// Messages dropped unread for passing the transport's size limits, and handshakes refused,
    /// so far: counted among the coordinator's rejections.
    var refusals: ChannelRefusals { get }

    /// The transport's counters, for telemetry.
    func traffic() async -> [SocketCounters]

    /// Runs what the transport needs beside the coordinator (for ZeroMQ, reporting refused
    /// handshakes) until the calling task is cancelled.
    func serve() async

    /// Closes the transport; the lanes end.
    func close() async
}

/// What a transport refused before any message reached the coordinator.
public struct ChannelRefusals: Sendable, Equatable {
    /// Messages past the size limits, dropped unread.
    public var oversized: Int
    /// Peers whose handshake was refused.
    public var handshakes: Int

    public init(oversized: Int = 0, handshakes: Int = 0) {
        self.oversized = oversized
        self.handshakes = handshakes
    }
}
