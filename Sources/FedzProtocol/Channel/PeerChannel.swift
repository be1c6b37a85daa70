/// A node's or the monitor's side of the transport: what the coordinator publishes on the peer's
/// topics, and what the peer pushes to the coordinator. ZeroMQ implements it for real processes
/// (a SUB socket and two PUSH sockets), `InMemoryFleet` for a fleet in one process, and
/// `FaultyPeerChannel` wraps either to inject a `FaultPlan`'s faults.
public protocol PeerChannel: Sendable {
    /// What the coordinator published on the peer's topics, in order; ends when the channel closes.
    var messages: any AsyncSequence<Multipart, Never> & Sendable { get }

    /// Pushes `frames` to the coordinator: small control messages (hellos, heartbeats, requests)
    /// on the control path when `control`, everything else with the updates; gives up after
    /// `timeout` without room to send.
    func push(_ frames: Multipart, control: Bool, timeout: Duration) async throws

    /// The transport's counters, for telemetry.
    func traffic() async -> [SocketCounters]

    /// Runs what the transport needs beside the peer (for ZeroMQ, reporting handshakes the
    /// coordinator refused) until the calling task is cancelled.
    func serve() async

    /// Closes the transport; `messages` ends.
    func close() async
}
