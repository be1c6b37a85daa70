import Synchronization

/// A clock that moves only when told: sleepers wake when `advance` passes their deadline, in
/// deadline order. It lets an in-process fleet (`InMemoryFleet`) run minutes of protocol time —
/// heartbeats, round deadlines, failure detection — in milliseconds, with no real sleep.
public final class VirtualClock: FederationClock {
    private struct Sleeper {
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: ContinuousClock.Instant
        var sleepers: [Int: Sleeper] = [:]
        var nextID = 0
        /// Sleeps begun so far (counted once a sleeper is registered, or returned at once): a
        /// sign that the tasks woken by an advance ran on.
        var sleepsBegun = 0
    }

    private let state: Mutex<State>

    /// Starts at the machine's present instant (any instant would do; this one keeps log
    /// lines and `ContinuousClock` arithmetic ordinary).
    public init(start: ContinuousClock.Instant = .now) {
        state = Mutex(State(now: start))
    }

    public var now: ContinuousClock.Instant { state.withLock { $0.now } }

    /// The earliest deadline any task sleeps until, if one sleeps.
    public var nextDeadline: ContinuousClock.Instant? {
        state.withLock { $0.sleepers.values.map(\.deadline).min() }
    }

    /// How many sleeps have begun so far.
    public var sleepsBegun: Int { state.withLock { $0.sleepsBegun } }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = state.withLock { state in
                    state.sleepsBegun += 1
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `duration`, waking every sleeper whose deadline it reaches.
    public func advance(by duration: Duration) {
        advance(to: now + duration)
    }

    /// Moves time forward to `instant` (never back), waking every sleeper whose deadline it
    /// reaches, earliest first.
    public func advance(to instant: ContinuousClock.Instant) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = max(state.now, instant)
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
