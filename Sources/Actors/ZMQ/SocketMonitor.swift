import CZMQ
import FedzProtocol

/// Handshake outcomes of one socket, read from a `zmq_socket_monitor` PAIR socket that the I/O
/// loop polls. Thread-confined like `ZMQSocket`; close after the watched socket.
final class SocketMonitor {
    /// One handshake outcome with the peer's endpoint: success, or a failure with libzmq's detail.
    enum Outcome {
        case succeeded(endpoint: String)
        case failed(endpoint: String, HandshakeFailure)
    }

    let socket: ZMQSocket
    private static let events = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
        | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH

    /// Starts monitoring `watched` on a per-socket inproc endpoint named after `id`.
    init(context: ZMQContext, watching watched: ZMQSocket, id: IOLoopID) throws(ZMQError) {
        let endpoint = "inproc://fedz.monitor.\(id.rawValue)"
        guard zmq_socket_monitor(watched.handle, endpoint, Self.events) == 0 else {
            throw ZMQError.last("zmq_socket_monitor(\(endpoint))")
        }
        socket = try ZMQSocket(context: context, kind: .pair)
        do {
            try socket.setOption(ZMQ_LINGER, Int32(0), "ZMQ_LINGER")
            try socket.connect(endpoint)
        } catch {
            socket.close()
            throw error
        }
    }

    /// The outcomes waiting, oldest first.
    func takeOutcomes() -> [Outcome] {
        var outcomes: [Outcome] = []
        while case .processed(let message)? = try? socket.receive() {
            // Frame 0: event (UInt16) and value (UInt32), little-endian on x86; frame 1: endpoint.
            guard message.count == 2, message[0].count == 6 else { continue }
            let header = message[0]
            let event = Int32(header[0]) | Int32(header[1]) << 8
            let value = header[2..<6].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let endpoint = String(decoding: message[1], as: UTF8.self)
            switch event {
            case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
                outcomes.append(.succeeded(endpoint: endpoint))
            case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
                outcomes.append(.failed(endpoint: endpoint, .refused(status: Int(value))))
            case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
                outcomes.append(.failed(endpoint: endpoint, .protocolError(code: value)))
            case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
                outcomes.append(.failed(endpoint: endpoint, .noDetail(errno: Int32(bitPattern: value))))
            default:
                continue
            }
        }
        return outcomes
    }

    func close() {
        socket.close()
    }
}
