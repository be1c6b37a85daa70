import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
import Logging
import ModelOps

/// The coordinator: holds the global model, runs rounds (sample, broadcast, collect,
/// aggregate, evaluate) and keeps track of live nodes. A thin shell around the pure
/// `RoundState`, `FailureDetector` and `Strategy`; it reaches nodes only through its
/// `FederationChannel` and reads time only from its `FederationClock`, and training-sized work
/// runs on compute threads.
actor Coordinator {
    static let senderID = "coordinator"
    /// The monitor's sender id: it heartbeats and asks for retraining, but hosts no clients.
    static let monitorID = "monitor"

    let settings: CoordinatorSettings
    let logger: Logger
    let channel: any FederationChannel
    let clock: any FederationClock
    let compute: ComputeThread
    /// Turns a closed round into the next global model; holds the strategy's server state.
    var aggregation: RoundAggregation
    let specs: [ParameterSpec]
    let incarnation = Incarnation.now()

    /// Live, welcomed nodes, the clients each hosts, and who is alive.
    var membership: Membership
    /// Signs of life taken off the inbound lanes that the actor may not have handled yet.
    let arrivals = ArrivalLedger()
    /// The open round attempt, if one is open.
    var open: OpenRound?
    /// Wakes the open round's loop at once when the round may have changed (it also wakes at the
    /// `RoundDriver`'s next deadline).
    var roundWaker: AsyncStream<Void>.Continuation?
    var global: [Tensor]
    /// The latest global model: the one rounds train from.
    var published: PublishedModel
    /// Versions, deployment, field data, retraining: the registry's side of the run.
    nonisolated let modelOps: ModelOpsDesk
    /// The round to run next (greater than 1 after a resume).
    var nextRound = 1
    var generator: SeededGenerator
    var rejections = RejectionCounter()
    /// Each peer's message and model-request rate.
    var quota = RequestQuota()
    /// Why the run gave up, when it did: a round abandoned too many times in a row.
    var failure: String?
    /// What the last client that could not train said (e.g. its loss became non-finite).
    var lastTrainingFailure: String?
    /// SecAgg+ sessions opened so far: each round attempt is a new session.
    var secureSessions = 0
    /// Draws the central differential-privacy noise and, under privacy, the round's sample.
    var privacyRandom = CryptoRandom()
    var privacyBudget = PrivacyBudget()
    /// Completes closed rounds (evaluation, checkpoint, result) while the next round trains, and
    /// holds the history.
    nonisolated let recorder: RoundRecorder
    /// A finished version reached `--target-accuracy`: no further round opens, and the open one closes.
    var targetReached = false

    /// Loads the test set, builds the initial model and opens the registry; the coordinator
    /// talks through `channel` (wrapped in the fault plan's faults when it has any) on `clock`'s time.
    static func start(
        settings: CoordinatorSettings, logger: Logger, channel: any FederationChannel, clock: any FederationClock
    ) async throws -> Coordinator {
        try await start(
            settings: settings, logger: logger, channel: channel, clock: clock,
            model: ModelZoo.learner(settings.model, seed: settings.seed))
    }

    /// The same, from the initial `model` already built (the ZeroMQ start sizes its sockets by it).
    static func start(
        settings: CoordinatorSettings, logger: Logger, channel: any FederationChannel, clock: any FederationClock,
        model: any Learner
    ) async throws -> Coordinator {
        let strategy = try settings.strategy.make()
        let testData = try ModelZoo.dataset(for: settings.model).load(.test, from: settings.dataDirectory)
        let registry = try ModelRegistry.open(directory: URL(fileURLWithPath: settings.stateDirectory))
        var channel = channel
        if settings.faultPlan.injectsFaults {
            let seed = settings.faultPlan.seed
            channel = FaultyChannel(
                wrapping: channel, plan: settings.faultPlan, inbound: SeededGenerator(seed: seed),
                outbound: SeededGenerator(seed: seed ^ 0xFA17), clock: clock)
        }
        let coordinator = try Coordinator(
            settings: settings, logger: logger, channel: channel, clock: clock,
            strategy: strategy, specs: model.parameterSpecs, global: model.parameters(), testData: testData,
            registry: registry)
        try await coordinator.prepare(initialWeights: model.parameters())
        return coordinator
    }

    init(
        settings: CoordinatorSettings, logger: Logger, channel: any FederationChannel, clock: any FederationClock,
        strategy: any Strategy, specs: [ParameterSpec], global: [Tensor], testData: LabeledData,
        registry: ModelRegistry
    ) throws {
        self.settings = settings
        self.logger = logger
        self.channel = channel
        self.clock = clock
        self.compute = ComputeThread(name: "fedz-coordinator-compute")
        self.aggregation = RoundAggregation(strategy: strategy, privacy: settings.privacy)
        self.specs = specs
        self.global = global
        self.membership = Membership(interval: settings.heartbeatInterval, liveness: settings.heartbeatLiveness)
        self.generator = SeededGenerator(seed: settings.seed)
        self.published = try PublishedModel(
            version: 0, weights: global, specs: specs, architecture: settings.model, incarnation: incarnation)
        self.modelOps = ModelOpsDesk(
            registry: registry, settings: settings, logger: logger, specs: specs, incarnation: incarnation,
            channel: channel)
        self.recorder = RoundRecorder(
            settings: settings, logger: logger, testData: testData, modelOps: modelOps, channel: channel, clock: clock,
            incarnation: incarnation)
    }

    /// Runs every round, telling `onRound` each result in order; returns the history.
    func run(onRound: @escaping @Sendable (RoundResult) -> Void) async throws -> [RoundResult] {
        return try await withThrowingTaskGroup(of: Void.self) { group in
            // Updates, and control traffic (hellos, heartbeats, requests) on lanes of its own.
            for lane in channel.lanes {
                group.addTask {
                    for await message in lane { await self.admit(message) }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try await self.clock.sleep(until: await self.nextLivenessCheck)
                    await self.tick()
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    await self.modelOps.adoptRegistryProduction()
                    await self.modelOps.announce(round: await self.announcedRound)
                    try await self.clock.sleep(for: self.settings.heartbeatInterval)
                }
            }
            group.addTask { await self.channel.serve() }
            group.addTask { await self.recorder.run(onRound: onRound) { await self.reachTarget() } }
            defer { group.cancelAll() }
            try await waitForClients(settings.expectedClients)
            var attempts = RoundAttempts(first: nextRound, last: settings.rounds, limit: Self.attemptsPerRound)
            rounds: while case .open(let round, let retry) = attempts.next, !targetReached {
                // A stopped coordinator opens no further round, even when its rounds never wait.
                try Task.checkCancellation()
                if retry {
                    // Give the failure detector time to settle who is alive before sampling again.
                    try await clock.sleep(for: settings.heartbeatInterval * settings.heartbeatLiveness)
                    try await waitForClients(settings.minimumClients)
                }
                switch try await runRound(round) {
                case .closed: attempts.onClosed()
                case .stopped: break rounds
                case .abandoned(let reason): attempts.onAbandoned(reason: reason)
                }
            }
            if case .gaveUp(let why) = attempts.next {
                failure = why + (lastTrainingFailure.map { "; a client that failed to train said: \($0)" } ?? "")
                throw FedzError(failure ?? why)
            }
            try await recorder.settle()
            try await modelOps.save(captureCheckpoint(finished: true))
            return await recorder.history
        }
    }

    /// The threads the coordinator's work runs on besides its actor: work in flight on them is
    /// work a test harness waits for before it moves virtual time.
    nonisolated var threads: [ComputeThread] { [compute, recorder.evaluator, modelOps.thread] }

    /// Closes the channel and stops the compute threads. The ModelOps desk keeps its thread
    /// until the coordinator is released: a finished run's dashboard still reads the registry.
    func shutdown() async {
        await channel.close()
        compute.stop()
        recorder.evaluator.stop()
    }

    // MARK: - Rounds

    func waitForClients(_ wanted: Int) async throws {
        let deadline = clock.now + settings.startTimeout
        while membership.registeredClients < wanted && clock.now < deadline {
            try await clock.sleep(for: .milliseconds(100))
        }
        let registered = membership.registeredClients
        guard registered >= max(1, min(wanted, settings.minimumClients)) else {
            throw FedzError("only \(registered) client(s) registered after \(settings.startTimeout)")
        }
        logger.info("clients registered", metadata: ["fedz.clients": "\(registered)", "fedz.nodes": "\(membership.nodes.count)"])
    }

    /// How many times in a row the coordinator tries a round before it gives up the run.
    static let attemptsPerRound = 3

    /// How one attempt at a round ended.
    enum RoundOutcome {
        /// Aggregated and its version published; its result follows once the version is evaluated.
        case closed
        /// Closed without aggregating: an earlier round's version reached the target accuracy.
        case stopped
        case abandoned(reason: String)
    }

    /// One attempt at a round.
    func runRound(_ round: Int) async throws -> RoundOutcome {
        await startRetrainingIfAsked()
        let started = clock.now
        let sample = RoundSample(
            membership.clientDirectory(), settings: settings, generator: &generator, privacyRandom: &privacyRandom)
        var opening = OpenRound(
            round: round, sample: sample, model: published, training: aggregation.strategy.configure(settings.training),
            settings: settings, now: started)
        if let secure = settings.secureAggregation {
            secureSessions += 1
            do {
                opening.secure = try SecureRound(
                    opening: &opening.start, session: secureSessions, settings: settings, secure: secure,
                    vectorLength: specs.reduce(1) { $0 + $1.count }, expectedClients: sample.expectedClients,
                    nodes: membership.nodes, now: started)
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

    // MARK: - Liveness

    /// When a node may next be found silent for too long: no fixed polling cadence.
    var nextLivenessCheck: ContinuousClock.Instant { membership.nextCheck(now: clock.now) }

    func tick() {
        for (sender, incarnation, arrival) in arrivals.drain() {
            membership.onSignOfLife(from: sender, incarnation: incarnation, arrival: arrival)
        }
        for id in membership.onTick(now: clock.now) {
            logger.warning("node silent, considered dead", metadata: ["fedz.node": "\(id)"])
            nodeLost(id)
        }
    }

    /// What a node that left (dead or restarted; `membership` has let it go) means for the open round.
    func nodeLost(_ id: String) {
        open?.onNodeLost(id)
        roundWaker?.yield()
    }

    // MARK: - Sending

    var modelVersion: Int { published.version }

    func header(_ kind: MessageKind, round: Int? = nil) -> Header {
        Header(kind: kind, sender: Self.senderID, incarnation: incarnation, round: round, modelVersion: modelVersion)
    }

    func sendToNode<Body: Encodable>(_ node: String, kind: MessageKind, body: Body) async {
        guard let envelope = try? Envelope(topic: .node(node), header: header(kind), body: body) else { return }
        await send(envelope)
    }

    func send(_ envelope: Envelope) async {
        await channel.send(envelope, logger: logger)
    }

    /// Completed rounds' results, in order.
    var history: [RoundResult] {
        get async { await recorder.history }
    }
}
