import Actors
import Federation
import Foundation
import Learning
import Logging

/// The coordinator: holds the global model, runs rounds (sample, broadcast, collect,
/// aggregate, evaluate) and keeps track of live nodes. A thin shell around the pure
/// `RoundState`, `FailureDetector` and `Strategy`; sockets live on the I/O loop and
/// training-sized work on a compute thread.
actor Coordinator {
    static let senderID = "coordinator"

    private let settings: CoordinatorSettings
    private let logger: Logger
    private let loop: IOLoop
    private let publisher: Publisher
    private let puller: Puller
    private let compute: ComputeThread
    private let strategy: any Strategy
    private let specs: [ParameterSpec]
    private let testData: LabeledData
    private let incarnation = Incarnation.now()

    private var detector: FailureDetector
    /// Live, welcomed nodes and the clients each hosts.
    private var nodes: [String: [ClientInfo]] = [:]
    private var global: [Tensor]
    private var published: PublishedModel
    private var current: RoundState<ClientUpdate>?
    private var currentStart: RoundStart?
    private var generator: SeededGenerator
    private var rejections = RejectionCounter()
    private var history: [RoundResult] = []

    /// Loads the test set, builds the initial model and binds both sockets.
    static func start(settings: CoordinatorSettings, logger: Logger) async throws -> Coordinator {
        guard let strategy = Strategies.named(settings.strategy) else {
            throw FedzError("unknown strategy \(settings.strategy); known: \(Strategies.names.joined(separator: ", "))")
        }
        let testData = try ModelZoo.dataset(for: settings.model).load(.test, from: settings.dataDirectory)
        let model = try ModelZoo.make(settings.model, seed: settings.seed)
        let loop = try await IOLoop.start(name: "fedz-coordinator-io")
        do {
            let publisher = try await Publisher(loop: loop, bind: settings.publishEndpoint)
            let puller = try await Puller(loop: loop, bind: settings.pullEndpoint)
            return try Coordinator(
                settings: settings, logger: logger, loop: loop, publisher: publisher, puller: puller,
                strategy: strategy, specs: model.parameterSpecs, global: model.parameters(), testData: testData)
        } catch {
            await loop.shutdown()
            throw error
        }
    }

    private init(
        settings: CoordinatorSettings, logger: Logger, loop: IOLoop, publisher: Publisher, puller: Puller,
        strategy: any Strategy, specs: [ParameterSpec], global: [Tensor], testData: LabeledData
    ) throws {
        self.settings = settings
        self.logger = logger
        self.loop = loop
        self.publisher = publisher
        self.puller = puller
        self.compute = ComputeThread(name: "fedz-coordinator-compute")
        self.strategy = strategy
        self.specs = specs
        self.global = global
        self.testData = testData
        self.detector = FailureDetector(interval: settings.heartbeatInterval, liveness: settings.heartbeatLiveness)
        self.generator = SeededGenerator(seed: settings.seed)
        self.published = try PublishedModel(
            version: 0, weights: global, specs: specs, architecture: settings.model, incarnation: incarnation)
    }

    nonisolated var publishEndpoint: String { publisher.endpoint }
    nonisolated var pullEndpoint: String { puller.endpoint }

    /// Messages rejected so far, by reason.
    var rejected: [String: Int] { rejections.counts }

    /// Runs every round, emitting one event per round; returns the history.
    func run(onRound: @escaping @Sendable (RoundResult) -> Void) async throws -> [RoundResult] {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in self.puller.messages { await self.receive(message) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(100))
                    await self.tick()
                }
            }
            defer { group.cancelAll() }
            try await waitForClients(settings.expectedClients)
            var round = 1
            var attempts = 0
            while round <= settings.rounds {
                if let result = try await runRound(round) {
                    onRound(result)
                    round += 1
                    attempts = 0
                } else {
                    attempts += 1
                    guard attempts < 3 else {
                        throw FedzError("round \(round) abandoned \(attempts) times; giving up")
                    }
                    try await waitForClients(settings.minimumClients)
                }
            }
            return history
        }
    }

    /// Closes the sockets and stops the I/O and compute threads.
    func shutdown() async {
        await loop.shutdown()
        compute.stop()
    }

    // MARK: - Rounds

    private func waitForClients(_ wanted: Int) async throws {
        let deadline = ContinuousClock.now + settings.startTimeout
        while registeredClients < wanted && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        guard registeredClients >= max(1, min(wanted, settings.minimumClients)) else {
            throw FedzError("only \(registeredClients) client(s) registered after \(settings.startTimeout)")
        }
        logger.info("clients registered", metadata: ["fedz.clients": "\(registeredClients)", "fedz.nodes": "\(nodes.count)"])
    }

    private var registeredClients: Int { nodes.values.reduce(0) { $0 + $1.count } }

    /// One round; nil when it was abandoned.
    private func runRound(_ round: Int) async throws -> RoundResult? {
        let started = ContinuousClock.now
        var clientNodes: [Int: String] = [:]
        for (node, clients) in nodes {
            for client in clients { clientNodes[client.id] = node }
        }
        let assignments = ClientSampler.sample(clients: clientNodes, fraction: settings.fraction, using: &generator)
        let state = RoundState<ClientUpdate>(
            round: round, assignments: assignments, deadline: started + settings.roundTimeout,
            minimumResults: settings.minimumClients)
        current = state
        currentStart = RoundStart(
            round: round, modelVersion: published.version, modelHash: published.hash, assignments: assignments,
            training: settings.training, deadlineSeconds: settings.roundTimeout.seconds)
        logger.info("round started", metadata: ["fedz.round": "\(round)", "fedz.sampled": "\(state.sampledCount)"])

        var lastBroadcast = ContinuousClock.now - .seconds(1)
        while true {
            if ContinuousClock.now - lastBroadcast >= .milliseconds(500) {
                await broadcastRoundStart()
                lastBroadcast = .now
            }
            try await Task.sleep(for: .milliseconds(20))
            guard let state = current else { return nil }
            switch state.status(now: .now) {
            case .collecting:
                continue
            case .abandoned(let reason):
                logger.warning("round abandoned", metadata: ["fedz.round": "\(round)", "reason": "\(reason)"])
                CoordinatorEvent.abandoned(round: round, reason: reason).emit()
                current = nil
                currentStart = nil
                return nil
            case .complete:
                current = nil
                currentStart = nil
                return try await finish(state, started: started)
            }
        }
    }

    private func finish(_ state: RoundState<ClientUpdate>, started: ContinuousClock.Instant) async throws -> RoundResult {
        let updates = state.results.values.sorted { $0.client < $1.client }
        let strategy = self.strategy
        let before = global
        global = try await compute.run { strategy.aggregate(global: before, updates: updates) }
        published = try PublishedModel(
            version: published.version + 1, weights: global, specs: specs, architecture: settings.model,
            incarnation: incarnation)
        await send(published.envelope)

        let (architecture, weights, testData) = (settings.model, global, self.testData)
        let evaluation = try await compute.run {
            let model = try ModelZoo.make(architecture, seed: 0)
            try model.setParameters(weights)
            return evaluate(model, on: testData)
        }
        let samples = updates.reduce(0) { $0 + $1.samples }
        let trainLoss = updates.reduce(0.0) { $0 + $1.trainLoss * Double($1.samples) } / Double(max(samples, 1))
        let result = RoundResult(
            round: state.round, modelVersion: modelVersion, participants: updates.count, sampled: state.sampledCount,
            trainLoss: trainLoss, testLoss: evaluation.loss, testAccuracy: evaluation.accuracy,
            seconds: (ContinuousClock.now - started).seconds)
        history.append(result)
        if let envelope = try? Envelope(
            topic: .metrics, header: header(.roundResult, round: state.round), body: result)
        {
            await send(envelope)
        }
        logger.info(
            "round complete",
            metadata: [
                "fedz.round": "\(state.round)", "fedz.participants": "\(updates.count)",
                "fedz.accuracy": "\(evaluation.accuracy)",
            ])
        return result
    }

    private func broadcastRoundStart() async {
        guard let start = currentStart,
              let envelope = try? Envelope(topic: .round, header: header(.roundStart, round: start.round), body: start)
        else { return }
        await send(envelope)
    }

    // MARK: - Receiving

    private func receive(_ frames: Multipart) async {
        let envelope: Envelope
        do {
            envelope = try WireFormat.decode(frames)
        } catch {
            reject(error)
            return
        }
        let sender = envelope.header.sender
        switch detector.onHeartbeat(from: sender, incarnation: envelope.header.incarnation, now: .now) {
        case .stale:
            reject(WireError(.unexpected, "\(envelope.header.kind) from an old incarnation of \(sender)"))
            return
        case .fresh(.restarted(let id, _, _)):
            logger.info("node restarted", metadata: ["fedz.node": "\(id)"])
            nodeLost(id)
        case .fresh:
            break
        }
        do {
            try await handle(envelope)
        } catch {
            reject(error)
        }
    }

    private func handle(_ envelope: Envelope) async throws(WireError) {
        let header = envelope.header
        switch header.kind {
        case .hello:
            let hello = try envelope.body(Hello.self)
            guard hello.architecture == settings.model else {
                throw WireError(.unexpected, "\(header.sender) trains \(hello.architecture), not \(settings.model)")
            }
            nodes[header.sender] = hello.clients
            logger.info("node joined", metadata: ["fedz.node": "\(header.sender)", "fedz.clients": "\(hello.clients.count)"])
            await sendToNode(header.sender, kind: .welcome, body: Welcome(incarnation: header.incarnation))
        case .heartbeat:
            if nodes[header.sender] == nil {
                await sendToNode(header.sender, kind: .rejoin, body: Empty())
            }
        case .modelRequest:
            let request = try envelope.body(ModelRequest.self)
            guard request.version == modelVersion else {
                throw WireError(.unexpected, "\(header.sender) asked for model \(request.version), current is \(modelVersion)")
            }
            var message = published.envelope
            message.topic = .node(header.sender)
            await send(message)
        case .update:
            try acceptUpdate(envelope)
        case .trainingFailed:
            let failure = try envelope.body(TrainingFailure.self)
            logger.warning("client failed to train", metadata: ["fedz.node": "\(header.sender)", "reason": "\(failure.reason)"])
            if var state = current {
                try check(state.onFailure(client: failure.client, node: header.sender, round: header.round ?? -1))
                current = state
            }
        default:
            throw WireError(.unexpected, "kind \(header.kind) from \(header.sender)")
        }
    }

    private func acceptUpdate(_ envelope: Envelope) throws(WireError) {
        let header = envelope.header
        let report = try envelope.body(UpdateReport.self)
        let delta = try ModelCodec.tensors(envelope.tensors, matching: specs)
        guard var state = current, header.round == state.round else {
            throw WireError(.staleUpdate, "update for round \(header.round ?? -1) from \(header.sender)")
        }
        guard header.modelVersion == modelVersion else {
            throw WireError(.staleUpdate, "update on model \(header.modelVersion ?? -1), current is \(modelVersion)")
        }
        guard report.samples > 0 else {
            throw WireError(.badBody, "update with \(report.samples) samples")
        }
        let update = ClientUpdate(
            client: report.client, node: header.sender, samples: report.samples, trainLoss: report.trainLoss, delta: delta)
        try check(state.onResult(update, client: report.client, node: header.sender, round: state.round))
        current = state
    }

    private func check(_ verdict: RoundState<ClientUpdate>.Verdict) throws(WireError) {
        switch verdict {
        case .accepted: return
        case .duplicate: throw WireError(.duplicate, "a client reported twice in one round")
        case .wrongRound(let round): throw WireError(.staleUpdate, "result for round \(round)")
        case .notAssigned: throw WireError(.unexpected, "result from a client that was not sampled on that node")
        }
    }

    private func reject(_ error: any Error) {
        let wireError = error as? WireError ?? WireError(.unexpected, "\(error)")
        if rejections.record(wireError.reason) {
            logger.warning("message rejected", metadata: ["reason": "\(wireError.reason)", "detail": "\(wireError.detail)"])
        } else {
            logger.debug("message rejected", metadata: ["reason": "\(wireError.reason)", "detail": "\(wireError.detail)"])
        }
    }

    // MARK: - Liveness

    private func tick() {
        for case .died(let id, _) in detector.onTick(now: .now) {
            logger.warning("node silent, considered dead", metadata: ["fedz.node": "\(id)"])
            nodeLost(id)
        }
    }

    private func nodeLost(_ id: String) {
        nodes[id] = nil
        current?.onNodeLost(id)
    }

    // MARK: - Sending

    private var modelVersion: Int { published.version }

    private func header(_ kind: MessageKind, round: Int? = nil) -> Header {
        Header(kind: kind, sender: Self.senderID, incarnation: incarnation, round: round, modelVersion: modelVersion)
    }

    private func sendToNode<Body: Encodable>(_ node: String, kind: MessageKind, body: Body) async {
        guard let envelope = try? Envelope(topic: .node(node), header: header(kind), body: body) else { return }
        await send(envelope)
    }

    private func send(_ envelope: Envelope) async {
        do {
            try await publisher.send(WireFormat.encode(envelope))
        } catch {
            logger.warning("publish failed", metadata: ["kind": "\(envelope.header.kind)", "error": "\(error)"])
        }
    }
}

/// The current global model version, encoded once for every node that needs it.
private struct PublishedModel {
    let version: Int
    let hash: String
    let envelope: Envelope

    init(version: Int, weights: [Tensor], specs: [ParameterSpec], architecture: String, incarnation: UInt64) throws {
        self.version = version
        self.hash = ModelCodec.contentHash(weights)
        self.envelope = try Envelope(
            topic: .model,
            header: Header(kind: .model, sender: Coordinator.senderID, incarnation: incarnation, modelVersion: version),
            body: ModelAnnouncement(architecture: architecture, hash: hash),
            tensors: ModelCodec.wireTensors(weights, specs: specs))
    }
}

