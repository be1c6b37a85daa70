import FedzProtocol

/// A PUSH socket: load-balances messages over connected PULL peers; waits (suspended, not
/// blocked) while they are at their high-water mark or none is connected.
public actor Pusher {
    private let loop: IOLoop
    private let socket: IOLoopID
    private let peer: String
    private var isClosed = false

    /// Messages sent so far, and sends that had to wait.
    public private(set) var counters = SocketCounters()

    /// Connects to `endpoint` (the connection itself is made, and remade, in the background).
    public init(loop: IOLoop, connect endpoint: String, settings: SocketSettings = .default) async throws {
        let opened = try await loop.open(
            SocketRequest(kind: .push, attachment: .connect([endpoint]), settings: settings))
        self.loop = loop
        self.socket = opened.id
        self.peer = endpoint
    }

    deinit { loop.closeEventually(socket) }

    /// Sends a multipart message. If the socket would block (HWM reached, or no peer with
    /// `ZMQ_IMMEDIATE`) the caller stays suspended until it is writable, or until `timeout`
    /// passes (throws `ActorsError(.deadlineExceeded)`). Cancellation withdraws the waiting
    /// message and throws `CancellationError`. Messages of one caller keep their order.
    public func send(_ message: Multipart, timeout: Duration = .seconds(10)) async throws {
        guard !isClosed else { throw ActorsError(.socketClosed, "Pusher to \(peer) is closed") }
        do {
            let receipt = try await loop.send(message, on: socket, deadline: .now + timeout)
            counters.sent += 1
            counters.bytesSent += message.byteCount
            if receipt.waited { counters.wouldBlock += 1 }
        } catch let error as ActorsError where error.code == .deadlineExceeded {
            counters.wouldBlock += 1
            counters.dropped += 1
            throw ActorsError(.deadlineExceeded, "Pusher to \(peer): no room within \(timeout)")
        } catch let error as CancellationError {
            counters.wouldBlock += 1
            throw error
        }
    }

    /// Closes the socket; waiting sends throw `socketClosed`. Idempotent.
    public func close() async {
        guard !isClosed else { return }
        isClosed = true
        await loop.close(socket)
    }
}
