import FedzProtocol

/// A second inbound buffer of one socket: messages whose first frame starts with one of
/// `topics` go here instead of the socket's main buffer, so that the consumer of small,
/// urgent messages (heartbeats) never waits behind a full buffer of bulk ones.
///
/// While the main buffer is full the loop keeps reading for the lane, and lets the main
/// buffer grow to twice its limit at most; past that it stops reading the socket until the
/// main consumer catches up.
struct PriorityLane: Sendable {
    let topics: [Frame]
    let buffer: InboundBuffer

    /// Whether `message` belongs to the lane.
    func takes(_ message: ReceivedMessage) -> Bool {
        guard let first = message.frames.first else { return false }
        return topics.contains { first.starts(with: $0) }
    }
}
