import Actors
import Federation
import FedzProtocol
import Learning

/// The open round attempt as the coordinator holds it: who was sampled and what they returned
/// (`RoundState`), the round start nodes are sent, when it passed its phases, and for a secure
/// round its SecAgg+ session. Pure: time is passed in, and what a message does to the round is
/// returned as a verdict for the shell to count.
struct OpenRound: Sendable {
    var state: RoundState<ClientUpdate>
    /// The round start as opened; `announcement` fills in who answered.
    var start: RoundStart
    var timeline: RoundTimeline
    /// The round's SecAgg+ session, when rounds aggregate securely.
    var secure: SecureRound?
    /// The largest chance any client had of being sampled (what the privacy accountant charges it at).
    let samplingRate: Double
    /// Under privacy, the expected number of clients (C·K): the fixed denominator of the noisy average.
    let expectedClients: Double

    /// Opens round `round` at `now` on `sample`, to train `model` with `training`.
    init(
        round: Int, sample: RoundSample, model: PublishedModel, training: TrainingConfig, settings: CoordinatorSettings,
        now: ContinuousClock.Instant
    ) {
        state = RoundState(
            round: round, assignments: sample.assignments, deadline: now + settings.roundTimeout,
            minimumResults: sample.minimumResults)
        start = RoundStart(
            round: round, modelVersion: model.version, modelHash: model.hash, assignments: sample.assignments,
            training: training, deadlineSeconds: settings.roundTimeout.seconds, privacy: settings.privacy)
        timeline = RoundTimeline(opened: now)
        (samplingRate, expectedClients) = (sample.samplingRate, sample.expectedClients)
    }

    var round: Int { state.round }
    var opened: ContinuousClock.Instant { timeline.opened }

    /// Clients that answered: updated or failed (in a secure round, those whose masked input came).
    var answered: Int { secure?.server.masked.count ?? state.results.count + state.failed.count }

    /// The round start as it goes out now: it lists the clients that answered (in a secure round,
    /// those whose keys came), the acknowledgement nodes re-send lost reports by.
    var announcement: RoundStart {
        var start = self.start
        start.answered = secure.map { $0.server.advertised.keys.sorted() } ?? (Array(state.results.keys) + state.failed).sorted()
        return start
    }

    /// A plain update checked before the actor, from `header.sender`, at `now`.
    mutating func onUpdate(_ update: Inbound.Update, header: Header, now: ContinuousClock.Instant) throws(WireError) {
        guard secure == nil else { throw WireError(.unexpected, "a plain update from \(header.sender) in a secure round") }
        guard header.round == state.round else {
            throw WireError(.staleUpdate, "update for round \(header.round ?? -1) from \(header.sender)")
        }
        guard header.modelVersion == start.modelVersion else {
            throw WireError(.staleUpdate, "update on model \(header.modelVersion ?? -1), the round trains \(start.modelVersion)")
        }
        let report = update.report
        guard report.samples > 0 else { throw WireError(.badBody, "update with \(report.samples) samples") }
        let result = ClientUpdate(
            client: report.client, node: header.sender, samples: report.samples, trainLoss: report.trainLoss, delta: update.delta)
        try Self.check(state.onResult(result, client: report.client, node: header.sender, round: state.round))
        timeline.onResult(now: now)
    }

    /// A client of `node` could not train in `round`.
    mutating func onFailure(client: Int, node: String, round: Int) throws(WireError) {
        try Self.check(state.onFailure(client: client, node: node, round: round))
    }

    /// `node` left: its clients are written off (told to the secure session at its next look).
    mutating func onNodeLost(_ node: String) {
        state.onNodeLost(node)
        secure?.onNodeLost(node)
    }

    private static func check(_ verdict: RoundState<ClientUpdate>.Verdict) throws(WireError) {
        switch verdict {
        case .accepted: return
        case .duplicate: throw WireError(.duplicate, "a client reported twice in one round")
        case .wrongRound(let round): throw WireError(.staleUpdate, "result for round \(round)")
        case .notAssigned: throw WireError(.unexpected, "result from a client that was not sampled on that node")
        }
    }
}

/// A round's sample: its clients and how many results it needs. Without privacy: a fraction C of
/// the clients (at least `--min-clients`) from the seeded generator, uniformly or stratified.
/// Under privacy: each client with probability C from the cryptographic generator (Poisson
/// sampling, which the accountant's amplification assumes, and which nobody can predict),
/// needing at most as many results as it sampled; an empty sample releases noise only.
struct RoundSample: Sendable {
    var assignments: [String: [Int]]
    var minimumResults: Int
    /// The largest chance any client had of being drawn.
    var samplingRate: Double
    /// Under privacy, C·K; 1 otherwise.
    var expectedClients = 1.0

    init(
        _ directory: ClientDirectory, settings: CoordinatorSettings, generator: inout SeededGenerator,
        privacyRandom: inout CryptoRandom
    ) {
        guard settings.privacy != nil else {
            samplingRate = ClientSampler.largestInclusionProbability(
                directory, fraction: settings.fraction, minimum: settings.minimumClients, mode: settings.sampling)
            assignments = ClientSampler.sample(
                directory, fraction: settings.fraction, minimum: settings.minimumClients, mode: settings.sampling,
                using: &generator)
            minimumResults = settings.minimumClients
            return
        }
        samplingRate = settings.fraction
        expectedClients = settings.fraction * Double(directory.count)
        assignments = ClientSampler.poisson(directory, rate: settings.fraction, using: &privacyRandom)
        minimumResults = min(settings.minimumClients, assignments.values.reduce(0) { $0 + $1.count })
    }
}
