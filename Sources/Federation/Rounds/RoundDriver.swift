/// The timing of one round attempt, as a pure state machine: when the round start goes out
/// (again and again: each re-broadcast lists the clients that answered, so it doubles as
/// their acknowledgement, and PUB/SUB may lose any one copy), when progress is reported, and
/// when the shell must look at the round next. Time is passed in; nothing here sleeps, sends
/// or logs.
///
/// The shell carries out `onWake`'s directives, looks at the round's status, and then waits
/// until `nextWake` — or until a message may have changed the round. No fixed polling
/// cadence: every wake-up is a deadline from here (or one the shell passes in, such as a
/// secure-aggregation stage's).
public struct RoundDriver: Sendable, Equatable {
    /// How often the round start goes out again and progress is reported while a round collects.
    public struct Cadence: Sendable, Equatable {
        public var rebroadcast: Duration
        public var progress: Duration

        public init(rebroadcast: Duration = .milliseconds(500), progress: Duration = .milliseconds(500)) {
            precondition(rebroadcast > .zero && progress > .zero, "RoundDriver.Cadence: periods must be positive")
            self.rebroadcast = rebroadcast
            self.progress = progress
        }
    }

    /// What the shell should do now.
    public enum Directive: Sendable, Equatable {
        /// Send the round start (with the clients answered so far).
        case broadcast
        /// Report progress (when the round is still collecting), `elapsed` since it opened.
        case progress(elapsed: Duration)
    }

    public let opened: ContinuousClock.Instant
    /// The round's own deadline (`RoundState` closes or abandons it then).
    public let deadline: ContinuousClock.Instant
    public let cadence: Cadence
    public private(set) var nextBroadcast: ContinuousClock.Instant
    public private(set) var nextProgress: ContinuousClock.Instant

    /// A round opened at `opened`: its start goes out at once, the first progress one period later.
    public init(opened: ContinuousClock.Instant, deadline: ContinuousClock.Instant, cadence: Cadence = Cadence()) {
        self.opened = opened
        self.deadline = deadline
        self.cadence = cadence
        nextBroadcast = opened
        nextProgress = opened + cadence.progress
    }

    /// What is due at `now`; each directive is due again one period after it was given (not
    /// after it was due, so a late wake-up does not bunch them up).
    public mutating func onWake(now: ContinuousClock.Instant) -> [Directive] {
        var due: [Directive] = []
        if now >= nextBroadcast {
            due.append(.broadcast)
            nextBroadcast = now + cadence.rebroadcast
        }
        if now >= nextProgress {
            due.append(.progress(elapsed: now - opened))
            nextProgress = now + cadence.progress
        }
        return due
    }

    /// When to look at the round next if no message arrives first: the next broadcast or
    /// progress report, the round's deadline, or `other` (another deadline the shell keeps),
    /// whichever is earliest.
    public func nextWake(other: ContinuousClock.Instant? = nil) -> ContinuousClock.Instant {
        let own = min(nextBroadcast, nextProgress, deadline)
        return other.map { min($0, own) } ?? own
    }
}
