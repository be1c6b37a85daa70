import CZMQ

extension ZMQSocket {
    /// Sets the CURVE role and keys (before bind/connect). `zapDomain` (server only) makes the
    /// handshake consult the ZAP handler under that domain.
    func apply(_ curve: CurveSettings, zapDomain: String?) throws(ZMQError) {
        switch curve.role {
        case .server(let secretKey):
            try setOption(ZMQ_CURVE_SERVER, Int32(1), "ZMQ_CURVE_SERVER")
            try setOption(ZMQ_CURVE_SECRETKEY, text: secretKey, "ZMQ_CURVE_SECRETKEY")
            if let zapDomain { try setOption(ZMQ_ZAP_DOMAIN, text: zapDomain, "ZMQ_ZAP_DOMAIN") }
        case .client(let keyPair, let serverPublicKey):
            try setOption(ZMQ_CURVE_SERVERKEY, text: serverPublicKey, "ZMQ_CURVE_SERVERKEY")
            try setOption(ZMQ_CURVE_PUBLICKEY, text: keyPair.publicKey, "ZMQ_CURVE_PUBLICKEY")
            try setOption(ZMQ_CURVE_SECRETKEY, text: keyPair.secretKey, "ZMQ_CURVE_SECRETKEY")
        }
    }
}
