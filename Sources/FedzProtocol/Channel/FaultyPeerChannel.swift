/// A peer's channel with a `FaultPlan` applied to both directions, as `FaultyChannel` does for
/// the coordinator: the node or monitor itself knows nothing of faults.
public final class FaultyPeerChannel<Generator: RandomNumberGenerator & Sendable>: PeerChannel {
    let base: any PeerChannel
    let faults: FaultDirections<Generator>

    /// Wraps `base`; the two generators draw the inbound and the outbound faults.
    public init(
        wrapping base: any PeerChannel, plan: FaultPlan, inbound: Generator, outbound: Generator, clock: any FederationClock
    ) {
        self.base = base
        self.faults = FaultDirections(plan: plan, inbound: inbound, outbound: outbound, clock: clock)
    }

    public var messages: any AsyncSequence<Multipart, Never> & Sendable { faults.faulty(base.messages) }

    public func push(_ frames: Multipart, control: Bool, timeout: Duration) async throws {
        try await faults.send(frames) { try await base.push($0, control: control, timeout: timeout) }
    }

    public func traffic() async -> [SocketCounters] { await base.traffic() }

    public func serve() async { await base.serve() }

    public func close() async { await base.close() }
}
