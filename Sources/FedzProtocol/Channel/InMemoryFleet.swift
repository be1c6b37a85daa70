import Synchronization

/// A transport for a whole federation in one process: the coordinator's channel and one
/// connection per node or monitor, delivering frames as ZeroMQ's PUB/SUB and PUSH/PULL would
/// (topic prefixes; control traffic on its own lane) with the connection's name as the
/// authenticated peer. Run on a `VirtualClock`, it lets tests drive the coordinator through
/// rounds, failures and restarts in milliseconds.
public final class InMemoryFleet: Sendable {
    private struct Member {
        var topics: [Frame]
        var mailbox: Mailbox<Multipart>
    }

    private struct State {
        var members: [String: Member] = [:]
        var sent = 0
    }

    private let state = Mutex(State())
    /// Updates and anything not on the control topic.
    let bulk = Mailbox<ReceivedMessage>()
    /// Messages on `Topic.control`.
    let control = Mailbox<ReceivedMessage>()
    /// Whether connections authenticate their peers (as CURVE does); false models plain text.
    let authenticates: Bool
    /// What stamps a message's arrival at the coordinator: the clock the federation runs on.
    let clock: any FederationClock

    public init(authenticates: Bool = true, clock: any FederationClock) {
        self.authenticates = authenticates
        self.clock = clock
    }

    /// The coordinator's end.
    public var coordinatorChannel: InMemoryCoordinatorChannel { InMemoryCoordinatorChannel(fleet: self) }

    /// Connects `name` (a node id or the monitor), subscribed to `topics`; a name connected again
    /// replaces its earlier connection, as a restarted process would.
    public func connect(_ name: String, topics: [Topic]) -> InMemoryConnection {
        let mailbox = Mailbox<Multipart>()
        let replaced = state.withLock { state in
            defer { state.members[name] = Member(topics: topics.map { Array($0.rawValue.utf8) }, mailbox: mailbox) }
            return state.members[name]?.mailbox
        }
        replaced?.close()
        return InMemoryConnection(fleet: self, name: name, mailbox: mailbox)
    }

    /// Cuts `name` off: what it was sent is dropped, as when its process dies.
    public func disconnect(_ name: String, mailbox: Mailbox<Multipart>) {
        let removed = state.withLock { state -> Bool in
            guard state.members[name]?.mailbox === mailbox else { return false }
            state.members[name] = nil
            return true
        }
        if removed { mailbox.close() }
    }

    /// Messages sent so far, in either direction.
    public var sent: Int { state.withLock { $0.sent } }

    /// Messages delivered and not taken yet, in either direction.
    public var queued: Int {
        bulk.count + control.count + state.withLock { $0.members.values.reduce(0) { $0 + $1.mailbox.count } }
    }

    /// Messages waiting, by who has not taken them: each connection by name, and the
    /// coordinator's lanes as `coordinator/bulk` and `coordinator/control`. For diagnostics.
    public var backlog: [String: Int] {
        var backlog = state.withLock { $0.members.mapValues { $0.mailbox.count } }
        (backlog["coordinator/bulk"], backlog["coordinator/control"]) = (bulk.count, control.count)
        return backlog.filter { $0.value > 0 }
    }

    func publish(_ frames: Multipart) {
        let topic = frames.first ?? []
        let receivers = state.withLock { state in
            state.sent += 1
            return state.members.values.filter { member in member.topics.contains { topic.starts(with: $0) } }
                .map(\.mailbox)
        }
        for mailbox in receivers { mailbox.put(frames) }
    }

    func push(_ frames: Multipart, from name: String) {
        state.withLock { $0.sent += 1 }
        let message = ReceivedMessage(frames: frames, peer: authenticates ? name : nil, arrival: clock.now)
        let isControl = frames.first.map { $0.starts(with: Array(Topic.control.rawValue.utf8)) } ?? false
        (isControl ? control : bulk).put(message)
    }

    func close() {
        bulk.close()
        control.close()
    }
}

/// The coordinator's end of an `InMemoryFleet`.
public struct InMemoryCoordinatorChannel: FederationChannel {
    let fleet: InMemoryFleet

    public var lanes: [any AsyncSequence<ReceivedMessage, Never> & Sendable] {
        [fleet.bulk.elements, fleet.control.elements]
    }

    public func send(_ frames: Multipart) async throws { fleet.publish(frames) }

    public var refusals: ChannelRefusals { ChannelRefusals() }

    public var controlBacklogSince: ContinuousClock.Instant? { fleet.control.oldestUnfinished?.arrival }

    public func traffic() async -> [SocketCounters] { [] }

    public func serve() async { await untilCancelled() }

    public func close() async { fleet.close() }
}

/// A node's or the monitor's end of an `InMemoryFleet`: pushes to the coordinator, receives
/// what the coordinator publishes on its topics.
public struct InMemoryConnection: PeerChannel {
    let fleet: InMemoryFleet
    public let name: String
    let mailbox: Mailbox<Multipart>

    /// Pushes `frames` to the coordinator; control-topic messages go to its control lane.
    public func send(_ frames: Multipart) { fleet.push(frames, from: name) }

    /// Cuts this connection off, as when its process dies.
    public func disconnect() { fleet.disconnect(name, mailbox: mailbox) }

    /// What the coordinator published on this connection's topics, in order.
    public var messages: any AsyncSequence<Multipart, Never> & Sendable { mailbox.elements }

    /// Delivers at once; the topic (not `control`) picks the coordinator's lane, as its PULL
    /// socket's priority lane does.
    public func push(_ frames: Multipart, control: Bool, timeout: Duration) async throws { send(frames) }

    public func traffic() async -> [SocketCounters] { [] }

    public func serve() async { await untilCancelled() }

    public func close() async { disconnect() }
}

/// Returns when the calling task is cancelled: an in-process transport has nothing to serve.
func untilCancelled() async {
    let (never, _) = AsyncStream.makeStream(of: Void.self)
    for await _ in never {}
}
