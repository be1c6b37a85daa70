import CZMQ
import FedzProtocol

/// The ZAP handler (ZeroMQ RFC 27) of one context: a ROUTER bound to `inproc://zeromq.zap.01`,
/// polled by the I/O loop like any socket, so it never blocks a thread of its own (a blocking
/// handler would hang `zmq_ctx_term`). Thread-confined like `ZMQSocket`.
final class ZAPHandler {
    static let endpoint = "inproc://zeromq.zap.01"
    /// `ZMQ_ZAP_DOMAIN` of fedz's CURVE server sockets.
    static let domain = "fedz"
    let socket: ZMQSocket

    init(context: ZMQContext) throws(ZMQError) {
        socket = try ZMQSocket(context: context, kind: .router)
        do {
            try socket.setOption(ZMQ_LINGER, Int32(0), "ZMQ_LINGER")
            try socket.bind(Self.endpoint)
        } catch {
            socket.close()
            throw error
        }
    }

    /// Answers every waiting request: CURVE requests by `authenticate(publicKey, address)`,
    /// which returns the user id to accept with or nil to refuse; other mechanisms are refused.
    func answerPending(authenticate: (_ publicKey: String, _ address: String) -> String?) {
        while case .processed(let request)? = try? socket.receive() {
            guard let reply = Self.reply(to: request, authenticate: authenticate) else { continue }
            _ = try? socket.send(reply)
        }
    }

    func close() {
        socket.close()
    }

    /// Request: routing id, "", version, request id, domain, address, identity, mechanism,
    /// credentials…; reply: routing id, "", version, request id, status code, status text,
    /// user id, metadata. Nil when the request is too short to be answered.
    static func reply(
        to request: Multipart, authenticate: (_ publicKey: String, _ address: String) -> String?
    ) -> Multipart? {
        guard request.count >= 4, request[1].isEmpty else { return nil }
        func answer(_ status: String, _ text: String, user: String = "") -> Multipart {
            [request[0], [], Array("1.0".utf8), request[3], Array(status.utf8), Array(text.utf8), Array(user.utf8), []]
        }
        guard request[2] == Array("1.0".utf8), request.count >= 9 else { return answer("400", "malformed request") }
        guard request[7] == Array("CURVE".utf8), let key = Z85Key.encode(request[8]) else {
            return answer("400", "only CURVE clients are accepted")
        }
        let address = String(decoding: request[5], as: UTF8.self)
        guard let user = authenticate(key, address) else { return answer("400", "key not on the allow-list") }
        return answer("200", "OK", user: user)
    }
}
