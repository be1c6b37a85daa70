import Synchronization

/// A `FaultPlan` applied to both directions of one channel, each drawn from its own generator:
/// what `FaultyChannel` and `FaultyPeerChannel` share.
final class FaultDirections<Generator: RandomNumberGenerator & Sendable>: Sendable {
    let clock: any FederationClock
    /// When the channel was made: partitions are windows of time since then.
    let started: ContinuousClock.Instant
    let inbound: Mutex<FaultInjector<Generator>>
    let outbound: Mutex<FaultInjector<Generator>>

    init(plan: FaultPlan, inbound: Generator, outbound: Generator, clock: any FederationClock) {
        self.clock = clock
        self.started = clock.now
        self.inbound = Mutex(FaultInjector(plan: plan, generator: inbound))
        self.outbound = Mutex(FaultInjector(plan: plan, generator: outbound))
    }

    /// How many messages each fault hit so far, in and out.
    var counters: (inbound: FaultInjector<Generator>.Counters, outbound: FaultInjector<Generator>.Counters) {
        (inbound.withLock { $0.counters }, outbound.withLock { $0.counters })
    }

    /// `lane` as the plan delivers its messages.
    func faulty<Message: CarriesFrames>(
        _ lane: any AsyncSequence<Message, Never> & Sendable
    ) -> any AsyncSequence<Message, Never> & Sendable {
        FaultyLane(base: lane, clock: clock) { [self] frames in
            let elapsed = clock.now - started
            return inbound.withLock { $0.onMessage(frames, elapsed: elapsed) }
        }
    }

    /// Sends `frames` as the plan delivers them (none, one or several, each after its delay).
    func send(_ frames: Multipart, through send: (Multipart) async throws -> Void) async throws {
        let elapsed = clock.now - started
        let deliveries = outbound.withLock { $0.onMessage(frames, elapsed: elapsed) }
        for delivery in deliveries {
            if delivery.delay > .zero { try await clock.sleep(for: delivery.delay) }
            try await send(delivery.frames)
        }
    }
}

/// A channel with a `FaultPlan` applied to both directions: messages dropped, duplicated,
/// delayed, reordered or corrupted, and partitions, as the plan draws them. It wraps any
/// channel — ZeroMQ in a process started with `--fault-*` flags, the in-memory fleet in tests —
/// so the coordinator itself knows nothing of faults.
public final class FaultyChannel<Generator: RandomNumberGenerator & Sendable>: FederationChannel {
    let base: any FederationChannel
    let faults: FaultDirections<Generator>

    /// Wraps `base`; the two generators draw the inbound and the outbound faults.
    public init(
        wrapping base: any FederationChannel, plan: FaultPlan, inbound: Generator, outbound: Generator,
        clock: any FederationClock
    ) {
        self.base = base
        self.faults = FaultDirections(plan: plan, inbound: inbound, outbound: outbound, clock: clock)
    }

    /// How many messages each fault hit so far, in and out.
    public var counters: (inbound: FaultInjector<Generator>.Counters, outbound: FaultInjector<Generator>.Counters) {
        faults.counters
    }

    public var lanes: [any AsyncSequence<ReceivedMessage, Never> & Sendable] { base.lanes.map(faults.faulty) }

    public func send(_ frames: Multipart) async throws {
        try await faults.send(frames) { try await base.send($0) }
    }

    public var refusals: ChannelRefusals { base.refusals }

    /// The base channel's: a message a delay holds stays in the faulty lane's hands, so it counts
    /// as unread, and a delay alone never makes a peer look silent (drops and partitions do).
    public var controlBacklogSince: ContinuousClock.Instant? { base.controlBacklogSince }

    public func traffic() async -> [SocketCounters] { await base.traffic() }

    public func serve() async { await base.serve() }

    public func close() async { await base.close() }
}

/// What a faulty lane carries: frames, alone or with their peer and arrival.
protocol CarriesFrames: Sendable {
    var frames: Multipart { get }
    /// The same message with `frames` in place of its own; `delayedTo`, when a delay held it,
    /// is when it arrives instead.
    func carrying(_ frames: Multipart, delayedTo: ContinuousClock.Instant?) -> Self
}

extension ReceivedMessage: CarriesFrames {
    func carrying(_ frames: Multipart, delayedTo: ContinuousClock.Instant?) -> ReceivedMessage {
        ReceivedMessage(frames: frames, peer: peer, arrival: delayedTo ?? arrival)
    }
}

extension Array: CarriesFrames where Element == Frame {
    var frames: Multipart { self }
    func carrying(_ frames: Multipart, delayedTo: ContinuousClock.Instant?) -> Multipart { frames }
}

/// One inbound lane of a faulty channel: the base lane's messages as the fault plan delivers
/// them, each delivery after its delay (which holds the lane, as a slow link would).
struct FaultyLane<Message: CarriesFrames>: AsyncSequence, Sendable {
    typealias Element = Message
    typealias Failure = Never

    let base: any AsyncSequence<Message, Never> & Sendable
    let clock: any FederationClock
    /// The deliveries the plan makes of one message's frames.
    let deliveries: @Sendable (Multipart) -> [FaultDelivery]

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), clock: clock, deliveries: deliveries)
    }

    struct Iterator: AsyncIteratorProtocol {
        var base: any AsyncIteratorProtocol<Message, Never>
        let clock: any FederationClock
        let deliveries: @Sendable (Multipart) -> [FaultDelivery]
        var pending: [(delivery: FaultDelivery, message: Message)] = []

        mutating func next() async -> Message? {
            while true {
                if !pending.isEmpty {
                    let (delivery, message) = pending.removeFirst()
                    guard delivery.delay > .zero else { return message.carrying(delivery.frames, delayedTo: nil) }
                    do { try await clock.sleep(for: delivery.delay) } catch { return nil }
                    return message.carrying(delivery.frames, delayedTo: clock.now)
                }
                guard let message = await base.next(isolation: nil) else { return nil }
                pending = deliveries(message.frames).map { ($0, message) }
            }
        }
    }
}
