import FedzProtocol

/// A node's view of its coordinator, as a pure state machine: whether the node is
/// welcomed, whether the coordinator is still heard from, and when to say what next.
/// Hellos repeat with capped exponential backoff and jitter until a welcome arrives;
/// silence for `liveness` intervals, or a restarted coordinator, sends the node back
/// to saying hello.
public struct CoordinatorLink: Sendable {
    /// What the node should send now.
    public enum Action: Sendable, Equatable {
        case hello
        case heartbeat
    }

    /// How a message from the coordinator was taken.
    public enum Observation: Sendable, Equatable {
        case fresh
        /// From a new coordinator incarnation: the node must join again.
        case restarted
        /// From an older incarnation than the one known: ignore it.
        case stale
    }

    public let interval: Duration
    public let timeout: Duration
    public private(set) var welcomed = false
    public private(set) var coordinatorIncarnation: UInt64?
    private var lastHeard: ContinuousClock.Instant?
    /// When the next hello is due; nil for at once.
    private var nextHello: ContinuousClock.Instant?
    private var backoff: Backoff

    public init(interval: Duration, liveness: Int = 3, maxBackoff: Duration = .seconds(8)) {
        self.interval = interval
        self.timeout = interval * liveness
        self.backoff = Backoff(base: interval, cap: max(interval, maxBackoff))
    }

    /// Records any message from the coordinator.
    public mutating func onMessage(incarnation: UInt64, now: ContinuousClock.Instant) -> Observation {
        if let known = coordinatorIncarnation, incarnation < known { return .stale }
        lastHeard = now
        defer { coordinatorIncarnation = incarnation }
        if let known = coordinatorIncarnation, incarnation > known {
            welcomed = false
            nextHello = nil
            return .restarted
        }
        return .fresh
    }

    /// The coordinator registered this node.
    public mutating func onWelcome() {
        welcomed = true
        nextHello = nil
        backoff.reset()
    }

    /// The coordinator does not know this node (for example after it lost its state).
    public mutating func onRejoin() {
        welcomed = false
        nextHello = nil
    }

    /// What to send at this tick, if anything; the shell ticks every `interval`. A
    /// coordinator silent for longer than the timeout is considered lost and the node
    /// says hello again, with hellos spaced by the backoff.
    public mutating func onTick<G: RandomNumberGenerator>(
        now: ContinuousClock.Instant, using generator: inout G
    ) -> Action? {
        if welcomed, let lastHeard, now - lastHeard > timeout {
            welcomed = false
            nextHello = nil
        }
        if welcomed { return .heartbeat }
        if let nextHello, now < nextHello { return nil }
        nextHello = now + backoff.next(using: &generator)
        return .hello
    }
}
