/// Something the transport security of an `IOLoop` saw, for the owning process to log.
public enum SecurityEvent: Sendable, Hashable {
    /// The authenticator refused a CURVE client whose key is not on the allow-list; reported
    /// once per key (later refusals of it are only counted). `address` is the peer's IP.
    case refused(publicKey: String, address: String)
    /// A CURVE client socket's handshake with `endpoint` failed; reported once until a handshake
    /// of that socket succeeds again (libzmq keeps retrying about every 100 ms).
    case handshakeFailed(endpoint: String, HandshakeFailure)
}

/// Why a CURVE handshake failed, as a client's socket monitor saw it.
public enum HandshakeFailure: Sendable, Hashable {
    /// The server refused this client's key (the ZAP status code, e.g. 400).
    case refused(status: Int)
    /// A protocol error (`ZMQ_PROTOCOL_ERROR_*` code), e.g. a mechanism mismatch.
    case protocolError(code: UInt32)
    /// The connection ended during the handshake (the errno libzmq saw), e.g. because the server
    /// could not decrypt a client configured with the wrong server key.
    case noDetail(errno: Int32)
}

/// What the loop's ZAP authenticator has decided so far.
public struct AuthenticatorCounters: Sendable, Hashable {
    /// Handshakes of listed keys let through.
    public var allowed: Int
    /// Handshakes refused (unlisted keys), each attempt counted.
    public var refused: Int

    public init(allowed: Int = 0, refused: Int = 0) {
        self.allowed = allowed
        self.refused = refused
    }
}
