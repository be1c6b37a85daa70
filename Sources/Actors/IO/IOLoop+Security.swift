extension IOLoop {
    /// Lets only CURVE clients whose public key is in `allowList` through this loop's CURVE
    /// server sockets, answered by a ZAP handler polled on the I/O thread itself. Call before
    /// opening any CURVE server socket (else throws `ActorsError(.misconfigured)`); calling it
    /// again replaces the list, for handshakes from then on.
    public func installAuthenticator(allowList: AllowList) async throws {
        try await withCheckedThrowingContinuation { inbox.submit(.installAuthenticator(allowList, $0)) }
    }

    /// Handshakes the authenticator has allowed and refused so far.
    public var authenticatorCounters: AuthenticatorCounters { security.authenticatorCounters }

    /// Security events to log (each refused key once). One consumer; if nobody reads, only the
    /// newest 256 are kept. Ends when the loop shuts down.
    public var securityEvents: AsyncStream<SecurityEvent> { security.events }
}
