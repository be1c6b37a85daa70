import Foundation

/// The allow-list, counters and event stream of one loop's authenticator: decided on the I/O
/// thread, read by Swift code.
final class SecurityLedger: @unchecked Sendable {
    // @unchecked: every mutable field is read and written only while holding `lock`; the
    // stream continuation is itself thread-safe.
    private let lock = NSLock()
    private var allowList: AllowList?
    private var counters = AuthenticatorCounters()
    private var reportedKeys: Set<String> = []
    private let continuation: AsyncStream<SecurityEvent>.Continuation
    /// Refused keys reported at most this many times in all, so a flood of fresh keys cannot grow memory.
    static let reportedKeyLimit = 4096
    /// Events for the process to log (newest kept if nobody reads).
    let events: AsyncStream<SecurityEvent>

    init() {
        (events, continuation) = AsyncStream.makeStream(of: SecurityEvent.self, bufferingPolicy: .bufferingNewest(256))
    }

    var isAuthenticating: Bool { lock.withLock { allowList != nil } }

    var authenticatorCounters: AuthenticatorCounters { lock.withLock { counters } }

    func install(_ list: AllowList) {
        lock.withLock { allowList = list }
    }

    /// Decides a CURVE handshake: the user id for a listed key (its name, else the key), or nil.
    func authenticate(publicKey: String, address: String) -> String? {
        let (userID, report): (String?, Bool) = lock.withLock {
            if let list = allowList, list.contains(publicKey) {
                counters.allowed += 1
                return (list.name(of: publicKey) ?? publicKey, false)
            }
            counters.refused += 1
            guard reportedKeys.count < Self.reportedKeyLimit else { return (nil, false) }
            return (nil, reportedKeys.insert(publicKey).inserted)
        }
        if report { continuation.yield(.refused(publicKey: publicKey, address: address)) }
        return userID
    }

    /// Publishes an event decided elsewhere on the loop (e.g. a handshake failure).
    func report(_ event: SecurityEvent) {
        continuation.yield(event)
    }

    /// Ends the event stream (the loop has shut down).
    func finish() {
        continuation.finish()
    }
}
