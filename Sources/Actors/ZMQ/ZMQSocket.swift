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

    /// Receives one whole multipart message, copying each frame.
    func receive() throws(ZMQError) -> IOResult<Multipart> {
        assertOnOwnerThread()
        var message: Multipart = []
        var part = zmq_msg_t()
        zmq_msg_init(&part)
        defer { zmq_msg_close(&part) }
        while true {
            guard zmq_msg_recv(&part, handle, ZMQ_DONTWAIT) >= 0 else {
                let error = ZMQError.last("zmq_msg_recv")
                if error.isInterrupted { continue }
                if error.isWouldBlock && message.isEmpty { return .wouldBlock }
                throw error
            }
            message.append(Frame(UnsafeRawBufferPointer(start: zmq_msg_data(&part), count: zmq_msg_size(&part))))
            if zmq_msg_more(&part) == 0 { return .processed(message) }
        }
    }
}
