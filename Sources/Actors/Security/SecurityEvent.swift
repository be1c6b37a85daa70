/// Something the transport security of an `IOLoop` saw, for the owning process to log.
public enum SecurityEvent: Sendable, Hashable {
    /// The authenticator refused a CURVE client whose key is not on the allow-list; reported
    /// once per key (later refusals of it are only counted). `address` is the peer's IP.
    case refused(publicKey: String, address: String)
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
