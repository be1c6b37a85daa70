import FedzProtocol

/// A PULL socket: receives what connected PUSH peers send, fair-queued, through `messages`.
public actor Puller {
    private let loop: IOLoop
    private let socket: IOLoopID
    private var isClosed = false

    /// The bound endpoint with its resolved port (`ZMQ_LAST_ENDPOINT`).
    public nonisolated let endpoint: String
    /// Received messages; ends when the socket is closed or the loop shuts down.
    public nonisolated let messages: InboundMessages
    /// Received messages on the priority topics, when any were given (they are not in
    /// `messages`); each lane is bounded by `inboundBufferLimit` and keeps its order.
    public nonisolated let priorityMessages: InboundMessages?

    /// Binds to `bind`, e.g. "tcp://127.0.0.1:*" or "tcp://*:7002". Messages on
    /// `priorityTopics` arrive through `priorityMessages`, read even while `messages` waits
    /// unconsumed (up to twice its limit).
    public init(
        loop: IOLoop, bind: String, settings: SocketSettings = .default, priorityTopics: [Topic] = []
    ) async throws {
        let buffer = loop.makeInboundBuffer(limit: settings.inboundBufferLimit)
        let lane = priorityTopics.isEmpty ? nil : PriorityLane(
            topics: priorityTopics.map { Array($0.rawValue.utf8) },
            buffer: loop.makeInboundBuffer(limit: settings.inboundBufferLimit))
        let opened = try await loop.open(
            SocketRequest(kind: .pull, attachment: .bind(bind), settings: settings, inbound: buffer, priority: lane))
        self.loop = loop
        self.socket = opened.id
        self.endpoint = opened.endpoint
        self.messages = InboundMessages(buffer: buffer)
        self.priorityMessages = lane.map { InboundMessages(buffer: $0.buffer) }
    }

    deinit { loop.closeEventually(socket) }

    /// Messages received so far.
    public var counters: SocketCounters {
        let buffers = [messages.buffer] + (priorityMessages.map { [$0.buffer] } ?? [])
        return SocketCounters(
            received: buffers.reduce(0) { $0 + $1.received }, bytesReceived: buffers.reduce(0) { $0 + $1.receivedBytes },
            overLimit: messages.buffer.overLimit)
    }

    /// Closes the socket and ends `messages` (after what is already buffered). Idempotent.
    public func close() async {
        guard !isClosed else { return }
        isClosed = true
        await loop.close(socket)
    }
}
