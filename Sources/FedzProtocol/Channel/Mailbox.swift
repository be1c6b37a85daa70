import Synchronization

/// An unbounded FIFO with one consumer at a time: what an in-process transport delivers into.
/// `next()` waits for an element, and returns nil once the mailbox is closed and empty or when
/// the waiting task is cancelled. An element taken counts as pending until the consumer asks
/// for the next one, that is, until it has handled it: so `count` is zero only when every
/// delivery has been dealt with, which is what a virtual clock waits for before it moves (a
/// consumer that waits on that clock while it holds an element would therefore wait forever).
public final class Mailbox<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var head = 0
        var waiter: CheckedContinuation<Item?, Never>?
        var closed = false
        /// The element the consumer took and has not come back after for the next one.
        var inHand: Item?
    }

    private let state = Mutex(State())

    public init() {}

    /// Elements put and not handled yet: waiting, or taken by a consumer that has not asked for
    /// the next one.
    public var count: Int { state.withLock { $0.items.count - $0.head + ($0.inHand == nil ? 0 : 1) } }

    /// The oldest element not handled yet: the one in the consumer's hands, else the first waiting.
    public var oldestUnfinished: Item? {
        state.withLock { $0.inHand ?? ($0.head < $0.items.count ? $0.items[$0.head] : nil) }
    }

    /// Adds `element`, or drops it when the mailbox is closed.
    public func put(_ element: Item) {
        let waiter = state.withLock { state -> CheckedContinuation<Item?, Never>? in
            guard !state.closed else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                state.inHand = element
                return waiter
            }
            state.items.append(element)
            return nil
        }
        waiter?.resume(returning: element)
    }

    /// Ends the mailbox: what it holds is still taken, then `next()` returns nil.
    public func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Item?, Never>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    public func next() async -> Item? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
                let ready: Item?? = state.withLock { state in
                    state.inHand = nil
                    if state.head < state.items.count {
                        state.inHand = state.items[state.head]
                        defer {
                            state.head += 1
                            if state.head == state.items.count { (state.items, state.head) = ([], 0) }
                        }
                        return .some(state.items[state.head])
                    }
                    if state.closed || Task.isCancelled { return .some(nil) }
                    precondition(state.waiter == nil, "a mailbox has one consumer at a time")
                    state.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// The mailbox's elements as a sequence for one consumer.
    public var elements: Elements { Elements(mailbox: self) }

    public struct Elements: AsyncSequence, Sendable {
        public typealias Element = Item
        public typealias Failure = Never
        let mailbox: Mailbox

        public func makeAsyncIterator() -> Iterator { Iterator(mailbox: mailbox) }

        public struct Iterator: AsyncIteratorProtocol {
            let mailbox: Mailbox
            public mutating func next() async -> Element? { await mailbox.next() }
        }
    }
}
