import FedzProtocol

/// Back-pressured stream of received messages: when `inboundBufferLimit` messages wait
/// unconsumed, the loop stops polling POLLIN on that socket (so ZeroMQ's own RCVHWM and the
/// sender's HWM apply), and resumes when the consumer has caught up to half of the limit.
/// Ends (returns nil) when the socket is closed or the loop shuts down, after the messages
/// already buffered; `next()` also returns nil when the calling task is cancelled.
public struct InboundMessages: AsyncSequence, Sendable {
    public typealias Element = Multipart
    public typealias Failure = Never

    let buffer: InboundBuffer

    public func makeAsyncIterator() -> Iterator {
        Iterator(messages: withPeers.makeAsyncIterator())
    }

    /// The frames of `withPeers`' messages.
    public struct Iterator: AsyncIteratorProtocol {
        var messages: ReceivedMessages.Iterator

        public mutating func next() async -> Multipart? {
            await messages.next()?.frames
        }
    }

    /// Messages dropped unread so far for passing the socket's `MessageLimits`.
    public var overLimit: Int { buffer.overLimit }

    /// When the oldest message its consumer has not finished with arrived: the one taken last
    /// (until the consumer asks for the next), else the first waiting; nil when none is left.
    public var unfinishedSince: ContinuousClock.Instant? { buffer.unfinishedSince }

    /// The same messages with the peer each came from (see `ReceivedMessage`); iterate one view
    /// of a socket's messages, not both.
    public var withPeers: ReceivedMessages { ReceivedMessages(buffer: buffer) }
}

/// A socket's received messages with their senders' authenticated identities.
public struct ReceivedMessages: AsyncSequence, Sendable {
    public typealias Element = ReceivedMessage
    public typealias Failure = Never

    let buffer: InboundBuffer

    public func makeAsyncIterator() -> Iterator {
        Iterator(buffer: buffer)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let buffer: InboundBuffer

        public mutating func next() async -> ReceivedMessage? {
            await buffer.next()
        }
    }
}
