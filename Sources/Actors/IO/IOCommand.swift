import FedzProtocol

/// Identifies a socket (or a parked send) within one `IOLoop`.
struct IOLoopID: Hashable, Sendable {
    let rawValue: UInt64
}

/// How a socket attaches to its endpoints.
enum Attachment: Sendable {
    case bind(String)
    case connect([String])
}

/// Everything the loop needs to create a socket.
struct SocketRequest: Sendable {
    var kind: SocketKind
    var attachment: Attachment
    var topics: [String] = []
    var settings: SocketSettings
    /// Where received messages go; `nil` for send-only sockets.
    var inbound: InboundBuffer?
    /// Where received messages of the lane's topics go instead of `inbound`.
    var priority: PriorityLane?
}

/// A socket the loop has opened.
struct OpenedSocket: Sendable {
    var id: IOLoopID
    /// The bound endpoint with its resolved port, or the first connect endpoint.
    var endpoint: String
}

/// A completed send; `waited` tells whether it had to wait for the socket to become writable.
struct SendReceipt: Sendable {
    var waited: Bool
}

/// A send handed to the loop; parked in `PendingSends` while the socket would block.
struct OutboundMessage: Sendable {
    var id: IOLoopID
    var message: Multipart
    var deadline: ContinuousClock.Instant?
    var continuation: CheckedContinuation<SendReceipt, any Error>
}

/// Requests from Swift code to the I/O thread. Each continuation is resumed exactly once,
/// by the loop or, once the loop has stopped, by `reject`.
enum IOCommand: Sendable {
    case open(SocketRequest, CheckedContinuation<OpenedSocket, any Error>)
    case send(socket: IOLoopID, OutboundMessage)
    case cancelSend(socket: IOLoopID, send: IOLoopID)
    case close(IOLoopID, CheckedContinuation<Void, Never>?)
    case shutdown(CheckedContinuation<Void, Never>)
    case installAuthenticator(AllowList, CheckedContinuation<Void, any Error>)

    /// Completes a command that will never run because the loop has stopped.
    func reject() {
        let stopped = ActorsError(.loopStopped, "the I/O loop has shut down")
        switch self {
        case .open(let request, let continuation):
            request.inbound?.finish()
            request.priority?.buffer.finish()
            continuation.resume(throwing: stopped)
        case .send(_, let outbound):
            outbound.continuation.resume(throwing: stopped)
        case .cancelSend:
            break
        case .close(_, let continuation):
            continuation?.resume()
        case .shutdown(let continuation):
            continuation.resume()
        case .installAuthenticator(_, let continuation):
            continuation.resume(throwing: stopped)
        }
    }
}
