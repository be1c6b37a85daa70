import Synchronization

/// A channel with a `FaultPlan` applied to both directions: messages dropped, duplicated,
/// delayed, reordered or corrupted, and partitions, as the plan draws them. It wraps any
/// channel — ZeroMQ in a process started with `--fault-*` flags, the in-memory fleet in tests —
/// so the coordinator itself knows nothing of faults.
public final class FaultyChannel<Generator: RandomNumberGenerator & Sendable>: FederationChannel {
    let base: any FederationChannel
    let clock: any FederationClock
    /// When the channel was made: partitions are windows of time since then.
    let started: ContinuousClock.Instant
    let inbound: Mutex<FaultInjector<Generator>>
    let outbound: Mutex<FaultInjector<Generator>>

    /// Wraps `base`; the two generators draw the inbound and the outbound faults.
    public init(
        wrapping base: any FederationChannel, plan: FaultPlan, inbound: Generator, outbound: Generator,
        clock: any FederationClock
    ) {
        self.base = base
        self.clock = clock
        self.started = clock.now
        self.inbound = Mutex(FaultInjector(plan: plan, generator: inbound))
        self.outbound = Mutex(FaultInjector(plan: plan, generator: outbound))
    }

    /// How many messages each fault hit so far, in and out.
    public var counters: (inbound: FaultInjector<Generator>.Counters, outbound: FaultInjector<Generator>.Counters) {
        (inbound.withLock { $0.counters }, outbound.withLock { $0.counters })
    }

    public var lanes: [any AsyncSequence<ReceivedMessage, Never> & Sendable] {
        base.lanes.map { FaultyLane(base: $0, channel: self) }
    }

    public func send(_ frames: Multipart) async throws {
        let elapsed = clock.now - started
        let deliveries = outbound.withLock { $0.onMessage(frames, elapsed: elapsed) }
        for delivery in deliveries {
            if delivery.delay > .zero { try await clock.sleep(for: delivery.delay) }
            try await base.send(delivery.frames)
        }
    }

    public var refusals: ChannelRefusals { base.refusals }

    public func traffic() async -> [SocketCounters] { await base.traffic() }

    public func serve() async { await base.serve() }

    public func close() async { await base.close() }

    func deliveries(of frames: Multipart) -> [FaultDelivery] {
        let elapsed = clock.now - started
        return inbound.withLock { $0.onMessage(frames, elapsed: elapsed) }
    }
}

/// One inbound lane of a `FaultyChannel`: the base lane's messages as the plan delivers them,
/// each delivery after its delay (which holds the lane, as a slow link would).
struct FaultyLane<Generator: RandomNumberGenerator & Sendable>: AsyncSequence, Sendable {
    typealias Element = ReceivedMessage
    typealias Failure = Never

    let base: any AsyncSequence<ReceivedMessage, Never> & Sendable
    let channel: FaultyChannel<Generator>

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), channel: channel)
    }

    struct Iterator: AsyncIteratorProtocol {
        var base: any AsyncIteratorProtocol<ReceivedMessage, Never>
        let channel: FaultyChannel<Generator>
        var pending: [(delivery: FaultDelivery, peer: String?)] = []

        mutating func next() async -> ReceivedMessage? {
            while true {
                if !pending.isEmpty {
                    let (delivery, peer) = pending.removeFirst()
                    if delivery.delay > .zero {
                        do { try await channel.clock.sleep(for: delivery.delay) } catch { return nil }
                    }
                    return ReceivedMessage(frames: delivery.frames, peer: peer)
                }
                guard let message = await base.next(isolation: nil) else { return nil }
                pending = channel.deliveries(of: message.frames).map { ($0, message.peer) }
            }
        }
    }
}
