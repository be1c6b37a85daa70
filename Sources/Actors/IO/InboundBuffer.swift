import FedzProtocol
import Foundation

/// Messages received by the I/O thread and not yet consumed, bounded by `limit`.
///
/// The loop polls POLLIN on the socket only while `wantsMore`; when `limit` messages wait it
/// stops, and the consumer turns reading back on (waking the loop) once it has taken the
/// buffer down to half of `limit`.
final class InboundBuffer: @unchecked Sendable {
    // @unchecked: every mutable field is read and written only while holding `lock`.
    private let lock = NSLock()
    private let limit: Int
    private let resumeReading: @Sendable () -> Void
    private var messages: [ReceivedMessage] = []
    private var head = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<ReceivedMessage?, Never>)] = []
    private var paused = false
    private var finished = false
    private var receivedCount = 0
    private var receivedByteCount = 0
    private var overLimitCount = 0
    private var lastWaiterID: UInt64 = 0
    /// The arrival of the message the consumer took last, until it comes back for the next.
    private var inHand: ContinuousClock.Instant?

    init(limit: Int, resumeReading: @escaping @Sendable () -> Void) {
        precondition(limit >= 1, "inboundBufferLimit must be at least 1")
        self.limit = limit
        self.resumeReading = resumeReading
    }

    private var count: Int { messages.count - head }

    /// Messages handed to the buffer so far.
    var received: Int { lock.withLock { receivedCount } }

    /// Bytes of the messages handed to the buffer so far.
    var receivedBytes: Int { lock.withLock { receivedByteCount } }

    /// Messages dropped unread because they passed the socket's `MessageLimits`.
    var overLimit: Int { lock.withLock { overLimitCount } }

    /// Loop side: counts a message dropped for its size.
    func refuseOverLimit() {
        lock.withLock { overLimitCount += 1 }
    }

    /// When the oldest message the consumer has not finished with arrived: the one it took last
    /// (until it asks for the next), else the first waiting; nil when it has finished with all.
    var unfinishedSince: ContinuousClock.Instant? {
        lock.withLock { inHand ?? (count > 0 ? messages[head].arrival : nil) }
    }

    /// Whether the loop should poll for more messages.
    var wantsMore: Bool { lock.withLock { !paused && !finished } }

    /// Whether the loop may still read past `limit` on behalf of a socket's priority lane:
    /// the buffer holds fewer than twice its limit.
    var hasOverflowRoom: Bool { lock.withLock { !finished && count < 2 * limit } }

    /// Loop side: hands over a received message; returns whether the loop may read another.
    func push(_ message: ReceivedMessage) -> Bool {
        let (waiter, more): (CheckedContinuation<ReceivedMessage?, Never>?, Bool) = lock.withLock {
            receivedCount += 1
            receivedByteCount += message.frames.byteCount
            if !waiters.isEmpty {
                inHand = message.arrival
                return (waiters.removeFirst().continuation, true)
            }
            messages.append(message)
            if count >= limit { paused = true }
            return (nil, !paused)
        }
        waiter?.resume(returning: message)
        return more
    }

    /// Ends the sequence: consumers get what is buffered, then `nil`.
    func finish() {
        let waiting = lock.withLock {
            finished = true
            defer { waiters = [] }
            return waiters
        }
        for waiter in waiting { waiter.continuation.resume(returning: nil) }
    }

    /// Consumer side: the next message, or `nil` once finished and empty, or when cancelled.
    func next() async -> ReceivedMessage? {
        let id = lock.withLock {
            lastWaiterID += 1
            return lastWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let (message, resume) = lock.withLock { () -> (ReceivedMessage??, Bool) in
                    inHand = nil
                    if count > 0 {
                        let message = popLocked()
                        inHand = message.arrival
                        return (message, unpauseIfCaughtUpLocked())
                    }
                    if finished || Task.isCancelled { return (.some(nil), false) }
                    waiters.append((id, continuation))
                    return (nil, false)
                }
                if resume { resumeReading() }
                if let message { continuation.resume(returning: message) }
            }
        } onCancel: {
            let waiter = lock.withLock { () -> CheckedContinuation<ReceivedMessage?, Never>? in
                guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return waiters.remove(at: index).continuation
            }
            waiter?.resume(returning: nil)
        }
    }

    private func popLocked() -> ReceivedMessage {
        let message = messages[head]
        head += 1
        if head * 2 >= messages.count {
            messages.removeFirst(head)
            head = 0
        }
        return message
    }

    private func unpauseIfCaughtUpLocked() -> Bool {
        guard paused && !finished && count <= limit / 2 else { return false }
        paused = false
        return true
    }
}
