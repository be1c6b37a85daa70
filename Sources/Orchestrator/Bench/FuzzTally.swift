/// The fuzzed messages sent and the outcomes the generator expects for them, and how a
/// coordinator's counts compare.
struct FuzzTally: Sendable, Equatable {
    var sent = 0
    /// Messages whose send timed out or was cancelled (the coordinator never had them).
    var unsent = 0
    /// Messages by `AdversarialMessage.outcomeKey`: one outcome, or the outcomes one of them may
    /// reach (`accepted|over_quota`).
    var outcomes: [String: Int] = [:]
    /// Messages sent by kind.
    var kinds: [String: Int] = [:]

    mutating func record(_ message: AdversarialMessage) {
        sent += 1
        outcomes[message.outcomeKey, default: 0] += 1
        kinds[message.kind, default: 0] += 1
    }

    static func + (lhs: FuzzTally, rhs: FuzzTally) -> FuzzTally {
        FuzzTally(
            sent: lhs.sent + rhs.sent, unsent: lhs.unsent + rhs.unsent,
            outcomes: lhs.outcomes.merging(rhs.outcomes, uniquingKeysWith: +),
            kinds: lhs.kinds.merging(rhs.kinds, uniquingKeysWith: +))
    }

    /// Outcomes that are certain, by outcome (`accepted` or a reason).
    var determined: [String: Int] { outcomes.filter { !$0.key.contains("|") } }

    /// Messages with more than one possible outcome, by their `|`-joined outcomes.
    var undetermined: [String: Int] { outcomes.filter { $0.key.contains("|") } }

    /// Whether `rejected` (a coordinator's counts by reason; the rest of `sent` were accepted)
    /// is what these messages may have led to: every outcome at least as often as it is
    /// certain, and at most that plus the undetermined messages that may reach it.
    func admits(rejected: [String: Int]) -> Bool {
        var counted = rejected
        counted[AdversarialMessage.accepted] = sent - rejected.values.reduce(0, +)
        let possible = Set(counted.keys).union(outcomes.keys.flatMap { $0.split(separator: "|").map(String.init) })
        return possible.allSatisfy { outcome in
            let least = determined[outcome] ?? 0
            let most = least + undetermined.filter { $0.key.split(separator: "|").contains(Substring(outcome)) }.values.reduce(0, +)
            return (least...most).contains(counted[outcome] ?? 0)
        }
    }
}
