import FedzProtocol

/// A SUB socket: receives the publishers' messages whose first frame starts with one of `topics`.
public actor Subscriber {
    private let loop: IOLoop
    private let socket: IOLoopID
    private var isClosed = false

    /// Received messages; ends when the socket is closed or the loop shuts down.
    public nonisolated let messages: InboundMessages

    /// Connects to every endpoint and subscribes to each topic (a byte prefix of the first frame;
    /// end topics with "/" so that "node/7/" does not match "node/70/"). No topics: nothing arrives.
    public init(
        loop: IOLoop, connect endpoints: [String], topics: [String], settings: SocketSettings = .default
    ) async throws {
        let buffer = loop.makeInboundBuffer(limit: settings.inboundBufferLimit)
        let opened = try await loop.open(
            SocketRequest(
                kind: .subscribe, attachment: .connect(endpoints), topics: topics, settings: settings,
                inbound: buffer))
        self.loop = loop
        self.socket = opened.id
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
