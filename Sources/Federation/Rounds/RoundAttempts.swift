/// How a run moves through its rounds, as a pure state machine: the next round once one
/// closes, another attempt at the same round once one is abandoned, and the end of the run once
/// its last round closed or `limit` attempts in a row were abandoned.
public struct RoundAttempts: Sendable, Equatable {
    /// What the run does next.
    public enum Next: Sendable, Equatable {
        /// Open `round`; `retry` when the attempt before it was abandoned (the shell first lets
        /// the failure detector settle who is alive, and waits for enough clients).
        case open(round: Int, retry: Bool)
        /// The last round closed.
        case finished
        /// `limit` attempts in a row were abandoned; why, in words.
        case gaveUp(String)
    }

    public let lastRound: Int
    public let limit: Int
    public private(set) var next: Next
    /// Attempts at the current round abandoned in a row.
    public private(set) var abandoned = 0

    /// A run whose next round is `first` and last is `last`.
    public init(first: Int, last: Int, limit: Int) {
        precondition(limit > 0, "RoundAttempts: at least one attempt per round")
        (lastRound, self.limit) = (last, limit)
        next = first > last ? .finished : .open(round: first, retry: false)
    }

    /// The round being attempted closed.
    @discardableResult
    public mutating func onClosed() -> Next {
        guard case .open(let round, _) = next else { return next }
        abandoned = 0
        next = round >= lastRound ? .finished : .open(round: round + 1, retry: false)
        return next
    }

    /// The round being attempted was abandoned for `reason`.
    @discardableResult
    public mutating func onAbandoned(reason: String) -> Next {
        guard case .open(let round, _) = next else { return next }
        abandoned += 1
        next = abandoned < limit
            ? .open(round: round, retry: true)
            : .gaveUp("round \(round) abandoned \(abandoned) times (last: \(reason))")
        return next
    }
}
