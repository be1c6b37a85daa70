import CZMQ

/// The ZeroMQ context; created and terminated on the I/O thread.
final class ZMQContext {
    let handle: UnsafeMutableRawPointer

    init() throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        self.handle = handle
    }

    /// Blocks until every socket is closed and its LINGER has passed; call after closing all sockets.
    func terminate() {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == fedz_EINTR {}
    }
}
