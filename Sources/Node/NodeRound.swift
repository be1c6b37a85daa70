import Federation
import FedzProtocol
import Learning

/// The round a node works on, as a pure state machine: the latest round start with work for
/// this node, the clients already trained (or failed) in it, and the outbox of their reports,
/// each kept until the coordinator lists its client as answered (the re-broadcast round start
/// doubles as the acknowledgement) and sent again when it has waited `resendAfter`. Time is
/// passed in; nothing here trains, sends or logs.
struct NodeRound: Sendable {
    /// What the shell should do about a round start.
    enum Directive: Sendable, Equatable {
        /// Send a client's report again: the coordinator has not acknowledged it for a while.
        case resend(client: Int, frames: Multipart)
        /// The round (still) has work for this node: join its secure session, if any, and wake
        /// the work task.
        case work(RoundStart)
    }

    /// What the work task should do next.
    enum Step: Sendable, Equatable {
        /// Train `client` of `round` from `weights` (the client now counts as done).
        case train(client: Int, round: RoundStart, weights: [Tensor])
        /// The round's model version is missing or differs from its hash: ask for it.
        case fetchModel(version: Int)
    }

    let node: String
    /// How long a report waits for its acknowledgement before it goes out again.
    let resendAfter: Duration
    /// The latest round that has work for this node.
    private(set) var pending: RoundStart?
    /// Clients already trained (or failed) in `pending`.
    private(set) var done: Set<Int> = []
    /// This round's reports by client, and when each last went out.
    private var outbox: [Int: (frames: Multipart, sentAt: ContinuousClock.Instant)] = [:]

    init(node: String, resendAfter: Duration) {
        self.node = node
        self.resendAfter = resendAfter
    }

    /// The clients whose reports wait for an acknowledgement, ascending.
    var unacknowledged: [Int] { outbox.keys.sorted() }

    /// A round start. A round with no clients of this node, or older than the pending one, is
    /// ignored. A new round, or a retry with another version, other clients or another secure
    /// session, replaces the pending one and forgets its clients and reports. Reports the start
    /// lists as answered leave the outbox; the others go out again once they have waited.
    mutating func onRoundStart(_ start: RoundStart, now: ContinuousClock.Instant) -> [Directive] {
        guard start.assignments[node]?.isEmpty == false else { return [] }
        if start.round != pending?.round || start.modelHash != pending?.modelHash
            || start.assignments[node] != pending?.assignments[node]
            || start.secureAggregation != pending?.secureAggregation
        {
            guard start.round >= pending?.round ?? 0 else { return [] }
            (pending, done, outbox) = (start, [], [:])
        }
        let answered = Set(start.answered)
        var directives: [Directive] = []
        for client in outbox.keys.sorted() {
            guard let entry = outbox[client] else { continue }
            if answered.contains(client) {
                outbox[client] = nil
            } else if now - entry.sentAt > resendAfter {
                outbox[client] = (entry.frames, now)
                directives.append(.resend(client: client, frames: entry.frames))
            }
        }
        return directives + [.work(start)]
    }

    /// The next client of the pending round to train, on the weights `model` holds for a
    /// version and hash; nil when every assigned client is done.
    mutating func nextStep(model: (_ version: Int, _ hash: String) -> [Tensor]?) -> Step? {
        guard let start = pending, let client = start.assignments[node]?.first(where: { !done.contains($0) }) else {
            return nil
        }
        guard let weights = model(start.modelVersion, start.modelHash) else { return .fetchModel(version: start.modelVersion) }
        done.insert(client)
        return .train(client: client, round: start, weights: weights)
    }

    /// The coordinator restarted: the round, its progress and its reports are gone.
    mutating func onCoordinatorRestarted() {
        (pending, done, outbox) = (nil, [], [:])
    }

    /// A client's report is going out: kept until acknowledged. False (send nothing) when
    /// `round` is no longer the pending round.
    mutating func onReport(_ frames: Multipart, client: Int, round: Int, now: ContinuousClock.Instant) -> Bool {
        guard pending?.round == round else { return false }
        outbox[client] = (frames, now)
        return true
    }
}
