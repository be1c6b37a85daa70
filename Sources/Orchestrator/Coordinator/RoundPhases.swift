/// Seconds one round spent in each of its phases, in order: each phase ends where the
/// next begins, so the phases add up to the round's time.
struct RoundPhases: Sendable {
    /// The coordinator's phases: broadcast until the last update (collect), aggregation,
    /// test-set evaluation, and recording (registry version and checkpoint).
    enum Phase: String, Sendable, CaseIterable {
        case collect, aggregate, evaluate, record
    }

    let round: Int
    private(set) var seconds: [(phase: Phase, seconds: Double)] = []
    private var last: ContinuousClock.Instant

    init(round: Int, start: ContinuousClock.Instant) {
        self.round = round
        self.last = start
    }

    /// Ends `phase` at `now`; the next phase starts there.
    mutating func end(_ phase: Phase, at now: ContinuousClock.Instant) {
        seconds.append((phase, (now - last).seconds))
        last = now
    }
}
