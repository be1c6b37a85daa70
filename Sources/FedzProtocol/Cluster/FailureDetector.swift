/// Heartbeat-based failure detection for a set of peers, as a pure state machine:
/// inputs through `on…` methods with the time passed in, decisions returned as values.
///
/// A peer is identified by its id and incarnation; a higher incarnation (a restarted
/// process) replaces the old one, a lower one is stale and ignored.
public struct FailureDetector: Sendable {
    /// What an observation changed.
    public enum Change: Sendable, Equatable {
        /// A peer not known before (or known as dead) is alive.
        case joined(id: String, incarnation: UInt64)
        /// A peer restarted: the new incarnation replaces the old.
        case restarted(id: String, old: UInt64, new: UInt64)
        /// No heartbeat within the liveness window: the peer is considered dead.
        case died(id: String, incarnation: UInt64)
    }

    /// How a heartbeat was taken.
    public enum Observation: Sendable, Equatable {
        case fresh(Change?)
        /// From an older incarnation than the one known: ignored.
        case stale
    }

    private struct Peer: Sendable {
        var incarnation: UInt64
        var lastSeen: ContinuousClock.Instant
    }

    /// Interval × liveness: how long a peer may stay silent.
    public let timeout: Duration
    private var peers: [String: Peer] = [:]

    public init(interval: Duration = .seconds(1), liveness: Int = 3) {
        timeout = interval * liveness
    }

    /// Ids of peers currently considered alive.
    public var alive: Set<String> { Set(peers.keys) }

    public func incarnation(of id: String) -> UInt64? { peers[id]?.incarnation }

    /// When the peer was last heard from, if it is alive.
    public func lastSeen(of id: String) -> ContinuousClock.Instant? { peers[id]?.lastSeen }

    /// When the first live peer will have been silent for the whole timeout (checking with
    /// `onTick` just after that declares it dead); nil when no peer is alive.
    public var nextExpiry: ContinuousClock.Instant? { peers.values.map(\.lastSeen).min().map { $0 + timeout } }

    /// The earliest instant at which `onTick` declares a peer dead: just past `nextExpiry`. A
    /// shell wakes then, not at `nextExpiry`, where it would find nobody dead and wake again at once.
    public var nextDeath: ContinuousClock.Instant? { nextExpiry.map { $0 + .nanoseconds(1) } }

    /// Records any sign of life (hello, heartbeat, update) from `id`, stamped `now`: when it
    /// arrived, which may be earlier than when it is handled.
    public mutating func onHeartbeat(from id: String, incarnation: UInt64, now: ContinuousClock.Instant) -> Observation {
        guard let peer = peers[id] else {
            peers[id] = Peer(incarnation: incarnation, lastSeen: now)
            return .fresh(.joined(id: id, incarnation: incarnation))
        }
        if incarnation < peer.incarnation { return .stale }
        // Signs of life can be handled out of arrival order (control traffic overtakes
        // updates): an older stamp never moves `lastSeen` back.
        peers[id] = Peer(incarnation: incarnation, lastSeen: incarnation > peer.incarnation ? now : max(peer.lastSeen, now))
        if incarnation > peer.incarnation {
            return .fresh(.restarted(id: id, old: peer.incarnation, new: incarnation))
        }
        return .fresh(nil)
    }

    /// Refreshes a live peer of this incarnation (signs of life recorded before the shell got
    /// to the message: its membership changes are handled when it does); ignores the rest.
    public mutating func onSignOfLife(from id: String, incarnation: UInt64, now: ContinuousClock.Instant) {
        guard let peer = peers[id], peer.incarnation == incarnation else { return }
        peers[id]?.lastSeen = max(peer.lastSeen, now)
    }

    /// Declares dead every peer silent for longer than the timeout and forgets it.
    public mutating func onTick(now: ContinuousClock.Instant) -> [Change] {
        let dead = peers.filter { now - $0.value.lastSeen > timeout }
        for id in dead.keys { peers[id] = nil }
        return dead.sorted { $0.key < $1.key }.map { .died(id: $0.key, incarnation: $0.value.incarnation) }
    }
}
