/// A PULL socket: receives what connected PUSH peers send, fair-queued, through `messages`.
public actor Puller {
    private let loop: IOLoop
    private let socket: IOLoopID
    private var isClosed = false

    /// The bound endpoint with its resolved port (`ZMQ_LAST_ENDPOINT`).
    public nonisolated let endpoint: String
    /// Received messages; ends when the socket is closed or the loop shuts down.
    public nonisolated let messages: InboundMessages

    /// Binds to `bind`, e.g. "tcp://127.0.0.1:*" or "tcp://*:7002".
    public init(loop: IOLoop, bind: String, settings: SocketSettings = .default) async throws {
        let buffer = loop.makeInboundBuffer(limit: settings.inboundBufferLimit)
        let opened = try await loop.open(
            SocketRequest(kind: .pull, attachment: .bind(bind), settings: settings, inbound: buffer))
        self.loop = loop
        self.socket = opened.id
        self.endpoint = opened.endpoint
        self.messages = InboundMessages(buffer: buffer)
    }

    deinit { loop.closeEventually(socket) }

    /// Messages received so far.
    public var counters: SocketCounters { SocketCounters(received: messages.buffer.received, bytesReceived: messages.buffer.receivedBytes) }

    /// Closes the socket and ends `messages` (after what is already buffered). Idempotent.
    public func close() async {
        guard !isClosed else { return }
        isClosed = true
        await loop.close(socket)
    }
}
