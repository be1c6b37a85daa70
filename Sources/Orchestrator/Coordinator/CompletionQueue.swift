/// Work completed off the critical path, one item at a time in the order enqueued, by the task
/// that runs `consume`; others may wait until every item enqueued so far is done. After a failure
/// the remaining items are dropped, and waiting rethrows it.
actor CompletionQueue<Item: Sendable> {
    private let items: (stream: AsyncStream<Item>, continuation: AsyncStream<Item>.Continuation) = AsyncStream.makeStream()
    /// Items enqueued and not completed yet.
    private(set) var pending = 0
    private var failure: (any Error)?
    /// Whether the consuming task has stopped (it was cancelled).
    private var stopped = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func enqueue(_ item: Item) {
        pending += 1
        items.continuation.yield(item)
    }

    /// Completes the items as they come, in order, with `complete`, until the calling task is cancelled.
    func consume(_ complete: @Sendable (Item) async throws -> Void) async {
        for await item in items.stream {
            if failure == nil {
                do {
                    try await complete(item)
                } catch {
                    failure = error
                }
            }
            pending -= 1
            wakeWaiters()
        }
        stopped = true
        wakeWaiters()
    }

    /// Waits until every item enqueued is completed; rethrows the first failure, and throws
    /// `CancellationError` when the consumer stopped first.
    func settle() async throws {
        while pending > 0, failure == nil, !stopped {
            await withCheckedContinuation { waiters.append($0) }
        }
        if let failure { throw failure }
        if pending > 0 { throw CancellationError() }
    }

    private func wakeWaiters() {
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume() }
    }
}
