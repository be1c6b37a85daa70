/// The time a federation's processes read and wait on. Instants are `ContinuousClock`'s, so the
/// pure state machines (`RoundState`, `FailureDetector`, `RoundDriver`, …) take them unchanged;
/// the shells ask their clock instead of `ContinuousClock.now`, which lets a test run them on
/// `VirtualClock` time.
public protocol FederationClock: Sendable {
    var now: ContinuousClock.Instant { get }
    /// Returns at `deadline` (at once if it passed); throws `CancellationError` when the calling
    /// task is cancelled first.
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

extension FederationClock {
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now + duration)
    }
}

/// The machine's monotonic clock.
public struct SystemClock: FederationClock {
    public init() {}

    public var now: ContinuousClock.Instant { .now }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await Task.sleep(until: deadline, clock: .continuous)
    }
}
