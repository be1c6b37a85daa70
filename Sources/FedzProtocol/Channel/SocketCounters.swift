/// What a socket actor has done so far.
public struct SocketCounters: Sendable, Equatable {
    /// Messages handed to libzmq.
    public var sent: Int
    /// Messages received into the inbound stream.
    public var received: Int
    /// Sends that found the socket unwritable (HWM reached, or no peer with `ZMQ_IMMEDIATE`)
    /// and had to wait, whether they then completed, timed out or were cancelled.
    public var wouldBlock: Int
    /// Bytes of the frames of the messages sent.
    public var bytesSent: Int
    /// Bytes of the frames of the messages received.
    public var bytesReceived: Int
    /// Messages given up: the send found no room before its deadline.
    public var dropped: Int
    /// Received messages dropped unread for passing the socket's `MessageLimits`.
    public var overLimit: Int

    public init(
        sent: Int = 0, received: Int = 0, wouldBlock: Int = 0, bytesSent: Int = 0, bytesReceived: Int = 0, dropped: Int = 0,
        overLimit: Int = 0
    ) {
        self.sent = sent
        self.received = received
        self.wouldBlock = wouldBlock
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
        self.dropped = dropped
        self.overLimit = overLimit
    }
}
