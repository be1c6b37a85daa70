import FedzProtocol

/// Per-socket settings, all set explicitly on every socket.
public struct SocketSettings: Sendable {
    /// How long `close` and shutdown wait for unsent messages (`ZMQ_LINGER`).
    public var linger: Duration
    /// Messages queued for sending before PUB drops / PUSH would block (`ZMQ_SNDHWM`).
    public var sendHighWaterMark: Int32
    /// Messages queued in libzmq for receiving (`ZMQ_RCVHWM`).
    public var receiveHighWaterMark: Int32
    /// Larger inbound messages make libzmq drop the connection (`ZMQ_MAXMSGSIZE`, bytes).
    public var maxMessageSize: Int64
    /// A whole inbound message's bounds across its frames; larger ones are drained unread and
    /// counted (`SocketCounters.overLimit`). The default admits a wire message of 256 tensors
    /// and a header, and as many bytes as one frame may hold.
    public var messageLimits: MessageLimits
    /// Queue only towards completed connections (`ZMQ_IMMEDIATE`); applied to connecting sockets
    /// (PUSH, SUB).
    public var immediate: Bool
    /// Messages buffered in Swift before the loop stops reading the socket (at least 1).
    public var inboundBufferLimit: Int
    /// CurveZMQ encryption (and, on the server side, the loop's allow-list); `nil`: plain text.
    public var curve: CurveSettings?

    public init(
        linger: Duration = .milliseconds(100),
        sendHighWaterMark: Int32 = 1000,
        receiveHighWaterMark: Int32 = 1000,
        maxMessageSize: Int64 = 64 << 20,
        messageLimits: MessageLimits = MessageLimits(maxFrames: 2 + 256, maxBytes: 64 << 20),
        immediate: Bool = true,
        inboundBufferLimit: Int = 64,
        curve: CurveSettings? = nil
    ) {
        self.linger = linger
        self.sendHighWaterMark = sendHighWaterMark
        self.receiveHighWaterMark = receiveHighWaterMark
        self.maxMessageSize = maxMessageSize
        self.messageLimits = messageLimits
        self.immediate = immediate
        self.inboundBufferLimit = inboundBufferLimit
        self.curve = curve
    }

    public static var `default`: SocketSettings { SocketSettings() }
}
