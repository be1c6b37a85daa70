import CZMQ
import FedzProtocol
import Glibc

/// The socket roles fedz uses: four for messages, ROUTER for the loop's ZAP handler, PAIR for
/// socket monitors.
enum SocketKind: Sendable {
    case publish, subscribe, push, pull, router, pair

    var zmqType: Int32 {
        switch self {
        case .publish: ZMQ_PUB
        case .subscribe: ZMQ_SUB
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        case .router: ZMQ_ROUTER
        case .pair: ZMQ_PAIR
        }
    }
}

/// A libzmq socket. Thread-confined: created, used and closed on the I/O thread only
/// (not `Sendable`, and every method asserts the owning thread). All I/O is `ZMQ_DONTWAIT`.
final class ZMQSocket {
    let handle: UnsafeMutableRawPointer
    private let owner = pthread_self()
    private var isClosed = false

    init(context: ZMQContext, kind: SocketKind) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, kind.zmqType) else {
            throw ZMQError.last("zmq_socket(\(kind))")
        }
        self.handle = handle
    }

    deinit {
        precondition(isClosed, "ZMQSocket must be closed on the I/O thread before release")
    }

    private func assertOnOwnerThread() {
        assert(pthread_equal(owner, pthread_self()) != 0, "ZMQSocket used off its I/O thread")
    }

    func bind(_ endpoint: String) throws(ZMQError) {
        assertOnOwnerThread()
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("zmq_bind(\(endpoint))") }
    }

    func connect(_ endpoint: String) throws(ZMQError) {
        assertOnOwnerThread()
        guard zmq_connect(handle, endpoint) == 0 else {
            throw ZMQError.last("zmq_connect(\(endpoint))")
        }
    }

    /// Closes the socket; pending outbound messages get the socket's LINGER before the context drops them.
    func close() {
        assertOnOwnerThread()
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
    }

    /// Sends all frames as one message. libzmq accepts the remaining frames of a message once
    /// it has accepted the first, so only the first frame can report `.wouldBlock`.
    func send(_ message: Multipart) throws(ZMQError) -> IOResult<Void> {
        assertOnOwnerThread()
        precondition(!message.isEmpty, "a ZeroMQ message has at least one frame")
        for (index, frame) in message.enumerated() {
            let flags = ZMQ_DONTWAIT | (index < message.count - 1 ? ZMQ_SNDMORE : 0)
            while true {
                let rc = frame.withUnsafeBytes { bytes in
                    zmq_send(handle, bytes.baseAddress, bytes.count, flags)
                }
                if rc >= 0 { break }
                let error = ZMQError.last("zmq_send")
                if error.isInterrupted { continue }
                if error.isWouldBlock && index == 0 { return .wouldBlock }
                throw error
            }
        }
        return .processed(())
    }

    /// What one receive took off the socket.
    enum Reception {
        case message(ReceivedMessage)
        /// A message past `limits`: read to its end without copying and dropped.
        case overLimit(frames: Int, bytes: Int, peer: String?)
    }

    /// Receives one whole multipart message, copying each frame, with the sender's `User-Id`
    /// when the socket authenticates its peers. Once the message passes `limits` the remaining
    /// frames are only read off the socket, so a sender cannot make the process hold more.
    func receive(limits: MessageLimits) throws(ZMQError) -> IOResult<Reception> {
        assertOnOwnerThread()
        var frames: Multipart = []
        var (count, bytes) = (0, 0)
        var peer: String?
        var overLimit = false
        var part = zmq_msg_t()
        zmq_msg_init(&part)
        defer { zmq_msg_close(&part) }
        while true {
            guard zmq_msg_recv(&part, handle, ZMQ_DONTWAIT) >= 0 else {
                let error = ZMQError.last("zmq_msg_recv")
                if error.isInterrupted { continue }
                if error.isWouldBlock && count == 0 { return .wouldBlock }
                throw error
            }
            if count == 0, let userID = zmq_msg_gets(&part, "User-Id") { peer = String(cString: userID) }
            let size = zmq_msg_size(&part)
            count += 1
            bytes += size
            if count > limits.maxFrames || bytes > limits.maxBytes {
                overLimit = true
                frames = []
            }
            if !overLimit { frames.append(Frame(UnsafeRawBufferPointer(start: zmq_msg_data(&part), count: size))) }
            if zmq_msg_more(&part) == 0 {
                return .processed(overLimit ? .overLimit(frames: count, bytes: bytes, peer: peer)
                    : .message(ReceivedMessage(frames: frames, peer: peer, arrival: .now)))
            }
        }
    }

    /// Receives one whole multipart message without limits (the loop's own inproc sockets).
    func receive() throws(ZMQError) -> IOResult<Multipart> {
        switch try receive(limits: .unlimited) {
        case .wouldBlock: .wouldBlock
        case .processed(.message(let message)): .processed(message.frames)
        case .processed(.overLimit): .processed([])
        }
    }
}
