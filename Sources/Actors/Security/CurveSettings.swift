/// CurveZMQ encryption for one socket (set before it binds or connects).
///
/// The binding side is the CURVE server: clients must know its public key. Without an
/// authenticator on the server's loop, CURVE authenticates only the server (any client key pair
/// gets in); with `IOLoop.installAuthenticator(allowList:)` only listed client keys do.
/// A client configured with a wrong server key, or refused by the server's allow-list, gets no
/// error from any call: libzmq retries the handshake about every 100 ms, sends wait for a
/// connection (`ZMQ_IMMEDIATE`) and nothing is delivered. The client's loop watches its CURVE
/// client sockets with a socket monitor and reports `SecurityEvent.handshakeFailed` once per peer
/// (`.noDetail(errno: EPIPE)` for a wrong server key, `.refused(status: 400)` for an unlisted key).
public struct CurveSettings: Sendable, Hashable {
    /// Which side of the handshake the socket takes.
    public enum Role: Sendable, Hashable {
        /// Accepts CURVE clients with its secret key (`ZMQ_CURVE_SERVER`, `ZMQ_CURVE_SECRETKEY`).
        case server(secretKey: String)
        /// Connects with its own key pair to a server with public key `serverPublicKey`
        /// (`ZMQ_CURVE_SERVERKEY`, `ZMQ_CURVE_PUBLICKEY`, `ZMQ_CURVE_SECRETKEY`).
        case client(CurveKeyPair, serverPublicKey: String)
    }

    public var role: Role

    public init(role: Role) {
        self.role = role
    }

    /// The server role with `keyPair`'s secret key.
    public static func server(_ keyPair: CurveKeyPair) -> CurveSettings {
        CurveSettings(role: .server(secretKey: keyPair.secretKey))
    }

    /// The client role: `keyPair` is the client's own, `serverPublicKey` the binding side's.
    public static func client(_ keyPair: CurveKeyPair, serverPublicKey: String) -> CurveSettings {
        CurveSettings(role: .client(keyPair, serverPublicKey: serverPublicKey))
    }
}

extension CurveSettings {
    var isServer: Bool {
        if case .server = role { true } else { false }
    }
}
