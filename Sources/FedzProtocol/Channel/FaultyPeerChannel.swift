import Synchronization

/// A peer's channel with a `FaultPlan` applied to both directions, as `FaultyChannel` does for
/// the coordinator: the node or monitor itself knows nothing of faults.
public final class FaultyPeerChannel<Generator: RandomNumberGenerator & Sendable>: PeerChannel {
    let base: any PeerChannel
    let clock: any FederationClock
    /// When the channel was made: partitions are windows of time since then.
    let started: ContinuousClock.Instant
    let inbound: Mutex<FaultInjector<Generator>>
    let outbound: Mutex<FaultInjector<Generator>>

    /// Wraps `base`; the two generators draw the inbound and the outbound faults.
    public init(
        wrapping base: any PeerChannel, plan: FaultPlan, inbound: Generator, outbound: Generator, clock: any FederationClock
    ) {
        self.base = base
        self.clock = clock
        self.started = clock.now
        self.inbound = Mutex(FaultInjector(plan: plan, generator: inbound))
        self.outbound = Mutex(FaultInjector(plan: plan, generator: outbound))
    }

    public var messages: any AsyncSequence<Multipart, Never> & Sendable {
        FaultyLane(base: base.messages, clock: clock) { [self] frames in
            let elapsed = clock.now - started
            return inbound.withLock { $0.onMessage(frames, elapsed: elapsed) }
        }
    }

    public func push(_ frames: Multipart, control: Bool, timeout: Duration) async throws {
        let elapsed = clock.now - started
        let deliveries = outbound.withLock { $0.onMessage(frames, elapsed: elapsed) }
        for delivery in deliveries {
            if delivery.delay > .zero { try await clock.sleep(for: delivery.delay) }
            try await base.push(delivery.frames, control: control, timeout: timeout)
        }
    }

    public func traffic() async -> [SocketCounters] { await base.traffic() }

    public func serve() async { await base.serve() }

    public func close() async { await base.close() }
}
