import Synchronization

/// Signs of life as they come off the coordinator's inbound lanes, before the actor gets to
/// the messages: the liveness check folds them into the `FailureDetector` first, so that a
/// peer whose heartbeat waits for a busy actor is not declared dead.
final class ArrivalLedger: Sendable {
    private struct Seen {
        var incarnation: UInt64
        var at: ContinuousClock.Instant
    }

    private let seen = Mutex<[String: Seen]>([:])

    /// Records that `sender` (of `incarnation`) was heard from at `arrival`; keeps the latest.
    func record(_ sender: String, incarnation: UInt64, at arrival: ContinuousClock.Instant) {
        seen.withLock { seen in
            if let known = seen[sender], known.incarnation == incarnation, known.at >= arrival { return }
            seen[sender] = Seen(incarnation: incarnation, at: arrival)
        }
    }

    /// Everything recorded since the last call.
    func drain() -> [(sender: String, incarnation: UInt64, at: ContinuousClock.Instant)] {
        seen.withLock { seen in
            defer { seen = [:] }
            return seen.map { ($0.key, $0.value.incarnation, $0.value.at) }
        }
    }
}
