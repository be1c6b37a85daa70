import FedzProtocol

/// A PUB socket: fans messages out to every subscriber whose topic prefix matches the first frame.
///
/// libzmq drops a message for a subscriber whose queue is at the send HWM, silently and per
/// subscriber: `send` succeeds and `counters.sent` counts it anyway.
public actor Publisher {
    private let loop: IOLoop
    private let socket: IOLoopID
    private var isClosed = false

    /// The bound endpoint with its resolved port (`ZMQ_LAST_ENDPOINT`), e.g. "tcp://127.0.0.1:45123".
    public nonisolated let endpoint: String
    /// Messages sent so far.
    public private(set) var counters = SocketCounters()

    /// Binds to `bind`, e.g. "tcp://127.0.0.1:*" or "tcp://*:7001".
    public init(loop: IOLoop, bind: String, settings: SocketSettings = .default) async throws {
        let opened = try await loop.open(SocketRequest(kind: .publish, attachment: .bind(bind), settings: settings))
        self.loop = loop
        self.socket = opened.id
        self.endpoint = opened.endpoint
    }

    deinit { loop.closeEventually(socket) }

    /// Sends a multipart message (first frame is the topic). Never waits for subscribers.
    public func send(_ message: Multipart) async throws {
        guard !isClosed else { throw ActorsError(.socketClosed, "Publisher \(endpoint) is closed") }
        let receipt = try await loop.send(message, on: socket, deadline: nil)
        counters.sent += 1
        counters.bytesSent += message.byteCount
        if receipt.waited { counters.wouldBlock += 1 }
    }

    /// Closes the socket; later sends throw `socketClosed`. Idempotent.
    public func close() async {
        guard !isClosed else { return }
        isClosed = true
        await loop.close(socket)
    }
}
