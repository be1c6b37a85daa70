import FedzProtocol

/// The coordinator's view of its federation, as a pure state machine: which nodes are
/// members, the clients each hosts (a client id belongs to one node), and which peers are
/// alive. A node becomes a member with a hello; any sign of life keeps a peer alive; a peer
/// silent for the failure detector's timeout, or one that restarted, leaves, its clients with it.
public struct Membership: Sendable {
    /// How a message's sender was taken.
    public enum Observation: Sendable, Equatable {
        /// A live peer, or one heard from for the first time.
        case fresh
        /// The peer restarted (a higher incarnation): it left, and must join again.
        case restarted(String)
        /// From an older incarnation than the one known: to be ignored.
        case stale
    }

    public private(set) var detector: FailureDetector
    /// The heartbeat interval.
    let interval: Duration
    /// Members and the clients each hosts.
    public private(set) var nodes: [String: [ClientInfo]] = [:]
    /// The node hosting each client.
    private var owners: [Int: String] = [:]
    /// The directory last built, until membership changes.
    private var directory: ClientDirectory?

    public init(interval: Duration, liveness: Int) {
        detector = FailureDetector(interval: interval, liveness: liveness)
        self.interval = interval
    }

    /// Clients hosted by members.
    public var registeredClients: Int { owners.count }

    /// When a peer may next be found silent for too long, checking at `now` with control traffic
    /// unread since `unreadSince`: when the first live peer's timeout runs out, or, while that
    /// verdict waits for traffic not read yet, a tenth of a heartbeat interval from `now`.
    public func nextCheck(now: ContinuousClock.Instant, unreadSince: ContinuousClock.Instant?) -> ContinuousClock.Instant {
        guard let death = detector.nextDeath else { return now + detector.timeout }
        if death <= now, let unreadSince, death > unreadSince { return now + interval / 10 }
        return death
    }

    /// A message from `peer`; `signOfLife` if its kind keeps the peer alive.
    public mutating func onMessage(
        from peer: String, incarnation: UInt64, signOfLife: Bool, now: ContinuousClock.Instant
    ) -> Observation {
        guard signOfLife else { return .fresh }
        switch detector.onHeartbeat(from: peer, incarnation: incarnation, now: now) {
        case .stale:
            return .stale
        case .fresh(.restarted(let id, _, _)):
            leave(id)
            return .restarted(id)
        case .fresh:
            return .fresh
        }
    }

    /// A sign of life stamped when it arrived, recorded before its message is handled.
    public mutating func onSignOfLife(from peer: String, incarnation: UInt64, arrival: ContinuousClock.Instant) {
        detector.onSignOfLife(from: peer, incarnation: incarnation, now: arrival)
    }

    /// `node`'s hello: it becomes a member hosting `clients` (replacing what it said before),
    /// unless it claims a client another member hosts.
    public mutating func onHello(_ clients: [ClientInfo], from node: String) throws(WireError) {
        for client in clients {
            if let owner = owners[client.id], owner != node {
                throw WireError(.unexpected, "\(node) claims client \(client.id), which \(owner) hosts")
            }
        }
        leave(node)
        nodes[node] = clients
        for client in clients { owners[client.id] = node }
    }

    /// The members whose clients hold samples out for federated evaluation.
    public var evaluators: Set<String> {
        Set(nodes.filter { $0.value.contains { ($0.heldOut ?? 0) > 0 } }.keys)
    }

    /// Whether member `node` hosts `client`.
    public func hosts(_ client: Int, node: String) -> Bool { owners[client] == node }

    /// Whether `peer` is a member (welcomed, hosting clients).
    public func isMember(_ peer: String) -> Bool { nodes[peer] != nil }

    /// Peers silent for the whole timeout at `now`, judged only on what was read: while control
    /// traffic that arrived at `unreadSince` waits unread (a heartbeat may be among it), silence
    /// is measured up to then. They leave, and their ids are returned.
    public mutating func onTick(now: ContinuousClock.Instant, unreadSince: ContinuousClock.Instant? = nil) -> [String] {
        detector.onTick(now: min(now, unreadSince ?? now)).compactMap { change in
            guard case .died(let id, _) = change else { return nil }
            leave(id)
            return id
        }
    }

    /// The members' clients as rounds sample them, rebuilt only after membership changed, so
    /// that opening a round costs nothing per registered client.
    public mutating func clientDirectory() -> ClientDirectory {
        if let directory { return directory }
        let built = ClientDirectory(owners)
        directory = built
        return built
    }

    /// `node` leaves, with its clients.
    private mutating func leave(_ node: String) {
        guard let clients = nodes.removeValue(forKey: node) else { return }
        for client in clients where owners[client.id] == node { owners[client.id] = nil }
        directory = nil
    }
}
