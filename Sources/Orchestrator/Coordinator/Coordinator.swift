import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
import Logging
import ModelOps

/// The coordinator: keeps track of live nodes and their clients, takes every message in (checked
/// against its sender's quota and role, counted as a sign of life) and routes it, and runs the
/// federation's rounds one attempt at a time. A shell: membership is the pure `Membership`, the
/// rounds are its `RoundRunner`'s, completed rounds its `RoundRecorder`'s and versions its
/// `ModelOpsDesk`'s. It reaches nodes only through its `FederationChannel` and reads time only
/// from its `FederationClock`.
actor Coordinator {
    static let senderID = "coordinator"
    /// The monitor's sender id: it heartbeats and asks for retraining, but hosts no clients.
    static let monitorID = "monitor"

    let settings: CoordinatorSettings
    let logger: Logger
    let channel: any FederationChannel
    let clock: any FederationClock
    let incarnation = Incarnation.now()
    let specs: [ParameterSpec]

    /// Live, welcomed nodes, the clients each hosts, and who is alive.
    var membership: Membership
    /// Signs of life taken off the inbound lanes that the actor may not have handled yet.
    let arrivals = ArrivalLedger()
    /// Wakes `waitForClients` when a node joins.
    var joinWaker: AsyncStream<Void>.Continuation?
    var rejections = RejectionCounter()
    /// Each peer's message and model-request rate.
    var quota = RequestQuota()
    /// Why the run gave up, when it did: a round abandoned too many times in a row.
    var failure: String?
    /// What the last client that could not train said (e.g. its loss became non-finite).
    var lastTrainingFailure: String?
    /// Versions, deployment, field data, retraining: the registry's side of the run.
    nonisolated let modelOps: ModelOpsDesk
    /// Completes closed rounds (evaluation, checkpoint, result) while the next round trains, and
    /// holds the history.
    nonisolated let recorder: RoundRecorder
    /// Opens, collects and aggregates the rounds; holds the global model.
    nonisolated let runner: RoundRunner

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
        let testData = try settings.loadTestData()
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
        try await coordinator.runner.prepare(initialWeights: model.parameters())
        await coordinator.recorder.expectEvaluations { [weak coordinator] in await coordinator?.membership.evaluators ?? [] }
        return coordinator
    }

    init(
        settings: CoordinatorSettings, logger: Logger, channel: any FederationChannel, clock: any FederationClock,
        strategy: any Strategy, specs: [ParameterSpec], global: [Tensor], testData: LabeledData?,
        registry: ModelRegistry
    ) throws {
        (self.settings, self.logger, self.channel, self.clock, self.specs) = (settings, logger, channel, clock, specs)
        membership = Membership(interval: settings.heartbeatInterval, liveness: settings.heartbeatLiveness)
        modelOps = ModelOpsDesk(
            registry: registry, settings: settings, logger: logger, specs: specs, incarnation: incarnation,
            channel: channel)
        recorder = RoundRecorder(
            settings: settings, logger: logger, testData: testData, modelOps: modelOps, channel: channel, clock: clock,
            incarnation: incarnation)
        runner = try RoundRunner(
            settings: settings, logger: logger, channel: channel, clock: clock, incarnation: incarnation,
            strategy: strategy, specs: specs, global: global, modelOps: modelOps, recorder: recorder)
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
                    await self.modelOps.announce(round: await self.runner.announcedRound)
                    try await self.clock.sleep(for: self.settings.heartbeatInterval)
                }
            }
            group.addTask { await self.channel.serve() }
            group.addTask { await self.recorder.run(onRound: onRound) { await self.runner.reachTarget() } }
            defer { group.cancelAll() }
            try await waitForClients(settings.expectedClients)
            var attempts = RoundAttempts(first: await runner.nextRound, last: settings.rounds, limit: Self.attemptsPerRound)
            rounds: while case .open(let round, let retry) = attempts.next, await !runner.targetReached {
                // A stopped coordinator opens no further round, even when its rounds never wait.
                try Task.checkCancellation()
                if retry {
                    // Give the failure detector time to settle who is alive before sampling again.
                    try await clock.sleep(for: settings.heartbeatInterval * settings.heartbeatLiveness)
                    try await waitForClients(settings.minimumClients)
                }
                switch try await runner.runRound(round, directory: membership.clientDirectory(), nodes: membership.nodes) {
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
            try await modelOps.save(runner.captureCheckpoint(finished: true))
            return await recorder.history
        }
    }

    /// The threads the coordinator's work runs on besides its actor: work in flight on them is
    /// work a test harness waits for before it moves virtual time.
    nonisolated var threads: [ComputeThread] { [runner.compute, recorder.evaluator, modelOps.thread] }

    /// Closes the channel and stops the compute threads. The ModelOps desk keeps its thread
    /// until the coordinator is released: a finished run's dashboard still reads the registry.
    func shutdown() async {
        await channel.close()
        runner.compute.stop()
        recorder.evaluator.stop()
    }

    // MARK: - Rounds

    /// Waits until `wanted` clients are registered, waking at each join and at the start
    /// timeout; fails if fewer than the minimum are there by then.
    func waitForClients(_ wanted: Int) async throws {
        let deadline = clock.now + settings.startTimeout
        if membership.registeredClients < wanted {
            let (joins, waker) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            joinWaker = waker
            defer { joinWaker = nil }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    try? await self.clock.sleep(until: deadline)
                    waker.yield()
                }
                defer { group.cancelAll() }
                var wakes = joins.makeAsyncIterator()
                while membership.registeredClients < wanted, clock.now < deadline, await wakes.next() != nil {}
            }
            try Task.checkCancellation()
        }
        let registered = membership.registeredClients
        guard registered >= max(1, min(wanted, settings.minimumClients)) else {
            throw FedzError("only \(registered) client(s) registered after \(settings.startTimeout)")
        }
        logger.info("clients registered", metadata: ["fedz.clients": "\(registered)", "fedz.nodes": "\(membership.nodes.count)"])
    }

    /// How many times in a row the coordinator tries a round before it gives up the run.
    static let attemptsPerRound = 3

    // MARK: - Liveness

    /// When a node may next be found silent for too long: no fixed polling cadence.
    var nextLivenessCheck: ContinuousClock.Instant {
        membership.nextCheck(now: clock.now, unreadSince: channel.controlBacklogSince)
    }

    /// Declares dead the nodes silent for too long, judged on the control traffic read so far:
    /// the backlog is looked at before the signs of life are drained, so that none it excludes
    /// is missed.
    func tick() async {
        let unreadSince = channel.controlBacklogSince
        for (sender, incarnation, arrival) in arrivals.drain() {
            membership.onSignOfLife(from: sender, incarnation: incarnation, arrival: arrival)
        }
        for id in membership.onTick(now: clock.now, unreadSince: unreadSince) {
            logger.warning("node silent, considered dead", metadata: ["fedz.node": "\(id)"])
            await nodeLost(id)
        }
    }

    /// What a node that left (dead or restarted; `membership` has let it go) means for the open round.
    func nodeLost(_ id: String) async {
        await runner.nodeLost(id)
    }

    // MARK: - Sending

    func sendToNode<Body: Encodable>(_ node: String, kind: MessageKind, body: Body) async {
        let header = Header(kind: kind, sender: Self.senderID, incarnation: incarnation, modelVersion: await modelOps.latest)
        guard let envelope = try? Envelope(topic: .node(node), header: header, body: body) else { return }
        await send(envelope)
    }

    func send(_ envelope: Envelope) async {
        await channel.send(envelope, logger: logger)
    }

    /// Completed rounds' results, in order.
    var history: [RoundResult] {
        get async { await recorder.history }
    }

    /// The global model rounds train from now.
    var global: [Tensor] {
        get async { await runner.global }
    }
}
