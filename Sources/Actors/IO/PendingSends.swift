/// Sends waiting for a socket to become writable, in the order they were made (per socket FIFO,
/// so a parked message is never overtaken).
struct PendingSends {
    private var queue: [OutboundMessage] = []

    var isEmpty: Bool { queue.isEmpty }
    var first: OutboundMessage? { queue.first }

    mutating func append(_ message: OutboundMessage) {
        queue.append(message)
    }

    mutating func removeFirst() -> OutboundMessage {
        queue.removeFirst()
    }

    mutating func remove(id: IOLoopID) -> OutboundMessage? {
        guard let index = queue.firstIndex(where: { $0.id == id }) else { return nil }
        return queue.remove(at: index)
    }

    mutating func removeAll() -> [OutboundMessage] {
        defer { queue = [] }
        return queue
    }

    /// Removes and returns the sends whose deadline is at or before `now`.
    mutating func removeExpired(now: ContinuousClock.Instant) -> [OutboundMessage] {
        guard queue.contains(where: { $0.deadline.map { $0 <= now } ?? false }) else { return [] }
        let expired = queue.filter { $0.deadline.map { $0 <= now } ?? false }
        queue.removeAll { $0.deadline.map { $0 <= now } ?? false }
        return expired
    }

    var nearestDeadline: ContinuousClock.Instant? {
        queue.lazy.compactMap(\.deadline).min()
    }
}
