import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
import Logging
import ModelOps

/// The coordinator's rounds: opens each attempt on a sample of the registered clients, collects
/// what nodes send for it (plain updates, failures, SecAgg+ messages), aggregates it into the next
/// global model on a compute thread and hands the closed round to the `RoundRecorder`. It holds
/// the global model and what a resumed run restores with it (sampler, privacy budget, strategy
/// state). Time comes only from its `FederationClock`; it wakes when a message may have changed
/// the open round or at the next deadline of the `RoundDriver` or the SecAgg+ session.
actor RoundRunner {
    let settings: CoordinatorSettings
    let logger: Logger
    let channel: any FederationChannel
    let clock: any FederationClock
    let incarnation: UInt64
    /// Aggregates, and unmasks SecAgg+ sums.
    nonisolated let compute = ComputeThread(name: "fedz-coordinator-compute")
    let specs: [ParameterSpec]
    nonisolated let modelOps: ModelOpsDesk
    nonisolated let recorder: RoundRecorder
    /// Turns a closed round into the next global model; holds the strategy's server state.
    var aggregation: RoundAggregation
    /// The open round attempt, if one is open.
    var open: OpenRound?
    /// Wakes the open round's loop at once when the round may have changed (it also wakes at the
    /// `RoundDriver`'s next deadline).
    var roundWaker: AsyncStream<Void>.Continuation?
    var global: [Tensor]
    /// The latest global model: the one rounds train from.
    var published: PublishedModel
    /// The round to run next (greater than 1 after a resume).
    var nextRound = 1
    var generator: SeededGenerator
    /// SecAgg+ sessions opened so far: each round attempt is a new session.
    var secureSessions = 0
    /// Draws the central differential-privacy noise and, under privacy, the round's sample.
    var privacyRandom = CryptoRandom()
    var privacyBudget = PrivacyBudget()
    /// SecAgg+ messages refused when they were applied after waiting for the unmasking (the
    /// coordinator counts them with its own rejections).
    var deferredRefusals = RejectionCounter()
    /// A finished version reached `--target-accuracy`: no further round opens, and the open one closes.
    private(set) var targetReached = false

    init(
        settings: CoordinatorSettings, logger: Logger, channel: any FederationChannel, clock: any FederationClock,
        incarnation: UInt64, strategy: any Strategy, specs: [ParameterSpec], global: [Tensor], modelOps: ModelOpsDesk,
        recorder: RoundRecorder
    ) throws {
        (self.settings, self.logger, self.channel, self.clock, self.incarnation) = (settings, logger, channel, clock, incarnation)
        (self.specs, self.global, self.modelOps, self.recorder) = (specs, global, modelOps, recorder)
        aggregation = RoundAggregation(strategy: strategy, privacy: settings.privacy)
        generator = SeededGenerator(seed: settings.seed)
        published = try PublishedModel(
            version: 0, weights: global, specs: specs, architecture: settings.model, incarnation: incarnation)
    }

    /// How one attempt at a round ended.
    enum RoundOutcome {
        /// Aggregated and its version published; its result follows once the version is evaluated.
        case closed
        /// Closed without aggregating: an earlier round's version reached the target accuracy.
        case stopped
        case abandoned(reason: String)
    }

    /// One attempt at `round`, sampling from `directory`; `nodes` holds each node's clients.
    func runRound(_ round: Int, directory: ClientDirectory, nodes: [String: [ClientInfo]]) async throws -> RoundOutcome {
        await startRetrainingIfAsked()
        let started = clock.now
        let sample = RoundSample(
            directory, settings: settings, generator: &generator, privacyRandom: &privacyRandom)
        var opening = OpenRound(
            round: round, sample: sample, model: published, training: aggregation.strategy.configure(settings.training),
            settings: settings, now: started)
        if let secure = settings.secureAggregation {
            secureSessions += 1
            do {
                opening.secure = try SecureRound(
                    opening: &opening.start, session: secureSessions, settings: settings, secure: secure,
                    vectorLength: specs.reduce(1) { $0 + $1.count }, expectedClients: sample.expectedClients,
                    nodes: nodes, now: started)
            } catch {
                // A sample the secure protocol cannot serve abandons this attempt; the run goes on.
                return abandoned(round, reason: "\(error)")
            }
        }
        open = opening
        logger.info("round started", metadata: ["fedz.round": "\(round)", "fedz.sampled": "\(opening.state.sampledCount)"])

        let (wakes, waker) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        roundWaker = waker
        defer { roundWaker = nil }
        var driver = RoundDriver(opened: started, deadline: opening.state.deadline, cadence: settings.roundCadence)
        // The alarm wakes the loop at the driver's next deadline; messages wake it through `roundWaker`.
        let (alarms, alarm) = AsyncStream.makeStream(of: ContinuousClock.Instant.self, bufferingPolicy: .bufferingNewest(1))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await instant in alarms {
                    try? await self.clock.sleep(until: instant)
                    waker.yield()
                }
            }
            defer {
                alarm.finish()
                group.cancelAll()
            }
            var wake = wakes.makeAsyncIterator()
            while true {
                let now = clock.now
                let due = driver.onWake(now: now)
                if due.contains(.broadcast), let announcement = open?.announcement,
                   let envelope = try? Envelope(topic: .round, header: header(.roundStart, round: round), body: announcement)
                {
                    await send(envelope)
                    open?.timeline.onBroadcast(now: now)
                }
                if targetReached { return closeForTarget(round) }
                guard let state = open?.state else { return .abandoned(reason: "the round was closed") }
                switch open?.secure == nil ? state.status(now: clock.now) : await secureRoundStatus(now: clock.now) {
                case .collecting:
                    for case .progress(let elapsed) in due {
                        CoordinatorEvent.progress(
                            round: round, answered: open?.answered ?? 0, sampled: state.sampledCount, elapsed: elapsed.seconds
                        ).emit()
                    }
                    alarm.yield(driver.nextWake(other: open?.secure?.nextWake(resend: settings.heartbeatInterval)))
                    if await wake.next() == nil { try Task.checkCancellation() }
                case .abandoned(let reason):
                    open = nil
                    try await recorder.settle()
                    if targetReached { return closeForTarget(round) }
                    return abandoned(round, reason: reason)
                case .complete:
                    guard let closing = open else { return .abandoned(reason: "the round was closed") }
                    open = nil
                    try await recorder.settleBeforeAggregating()
                    if targetReached { return closeForTarget(round) }
                    // Stopped while waiting for earlier rounds' completions: aggregate nothing more.
                    try Task.checkCancellation()
                    try await finish(closing)
                    return .closed
                }
            }
        }
    }

    /// Closes the open round without aggregating it: an earlier round's version reached the
    /// target accuracy. Late updates for it are dropped as stale.
    func closeForTarget(_ round: Int) -> RoundOutcome {
        open = nil
        logger.info("round closed: the target accuracy was reached", metadata: ["fedz.round": "\(round)"])
        return .stopped
    }

    /// A completed version reached `--target-accuracy`: no further round opens, and the open one closes.
    func reachTarget() {
        targetReached = true
        roundWaker?.yield()
    }

    /// Logs and announces an abandoned attempt.
    private func abandoned(_ round: Int, reason: String) -> RoundOutcome {
        open = nil
        logger.warning("round abandoned", metadata: ["fedz.round": "\(round)", "reason": "\(reason)"])
        CoordinatorEvent.abandoned(round: round, reason: reason).emit()
        return .abandoned(reason: reason)
    }

    /// Aggregates a collected round, registers and publishes the new version (the next round
    /// may open at once), and starts its completion: evaluation, checkpoint and result.
    func finish(_ closing: OpenRound) async throws {
        let state = closing.state
        let updates = state.results.values.sorted { $0.client < $1.client }
        let samples = updates.reduce(0) { $0 + $1.samples }
        var participants = updates.count
        // Under privacy nothing un-noised about the clients is published.
        var trainLoss = settings.privacy != nil ? 0
            : updates.reduce(0.0) { $0 + $1.trainLoss * Double($1.samples) } / Double(max(samples, 1))
        var stageSeconds: [String: Double]?
        let collected: RoundAggregation.Collected
        if let secure = closing.secure {
            guard case .finished(let sum)? = secure.outcome else { throw FedzError("no unmasked sum to aggregate") }
            collected = .secureSum(sum, secure.aggregation)
            (participants, trainLoss, stageSeconds) = (sum.contributors.count, secure.trainLoss(of: sum.contributors), secure.stageSeconds)
        } else {
            collected = .updates(updates)
        }
        let (before, aggregation, random, expected) = (global, self.aggregation, privacyRandom, closing.expectedClients)
        let (next, stepped, used) = try await compute.run {
            var (aggregation, random) = (aggregation, random)
            return (aggregation.next(from: before, collected, expectedClients: expected, random: &random), aggregation, random)
        }
        guard let next else { throw FedzError("the secure sum carries no weight") }
        (global, self.aggregation, privacyRandom) = (next, stepped, used)
        var timeline = closing.timeline
        timeline.onAggregated(now: clock.now)
        let weights = global
        let version = try await registerVersion(
            parent: published.version, round: state.round, weights: weights,
            metrics: TrainingMetrics(participants: participants))
        let closed = clock.now
        nextRound = state.round + 1
        let spent = accountPrivacy(samplingRate: closing.samplingRate, sampled: state.assignments.values.joined())
        let result = RoundResult(
            round: state.round, modelVersion: version, participants: participants, sampled: state.sampledCount,
            trainLoss: trainLoss, testLoss: 0, testAccuracy: 0,
            seconds: (closed - closing.opened).seconds, epsilon: spent?.epsilon, epsilonKnownSample: spent?.knownSample,
            stageSeconds: stageSeconds, phases: timeline.phases(closed: closed))
        await recorder.enqueue(
            ClosedRound(result: result, weights: weights, checkpoint: await captureCheckpoint(finished: false)))
    }

    /// A plain update checked before the actors, from `header.sender`, whose receiving began at `began`.
    func acceptUpdate(_ update: Inbound.Update, header: Header, began: ContinuousClock.Instant) throws(WireError) {
        guard open != nil else { throw WireError(.staleUpdate, "update for round \(header.round ?? -1) from \(header.sender)") }
        try open?.onUpdate(update, header: header, now: clock.now)
        open?.timeline.onHandled(clock.now - began)
        roundWaker?.yield()
    }

    /// A client of `node` could not train in `round`.
    func acceptFailure(client: Int, node: String, round: Int) throws(WireError) {
        guard open != nil else { return }
        try open?.onFailure(client: client, node: node, round: round)
        roundWaker?.yield()
    }

    /// What a node that left (dead or restarted) means for the open round.
    func nodeLost(_ id: String) {
        open?.onNodeLost(id)
        roundWaker?.yield()
    }

    /// The open round's progress, for the dashboard.
    func progress(now: ContinuousClock.Instant) -> DashboardState.Progress? {
        open.map { round in
            DashboardState.Progress(
                round: round.round, answered: round.answered, sampled: round.state.sampledCount, elapsed: (now - round.opened).seconds)
        }
    }

    // MARK: - Sending

    func header(_ kind: MessageKind, round: Int? = nil) -> Header {
        Header(kind: kind, sender: Coordinator.senderID, incarnation: incarnation, round: round, modelVersion: published.version)
    }

    func send(_ envelope: Envelope) async {
        await channel.send(envelope, logger: logger)
    }
}
