import Actors
import Federation
import Learning
import Logging

/// A device worker: joins the federation, keeps a heartbeat, fetches model versions,
/// trains its sampled clients off the cooperative pool and pushes their updates.
actor DeviceWorker {
    private let settings: NodeSettings
    private let clients: [Int: LocalClient]
    private let logger: Logger
    private let loop: IOLoop
    private let subscriber: Subscriber
    private let pusher: Pusher
    private let compute = ComputeThread(name: "fedz-node-compute")
    private let incarnation = Incarnation.now()
    private let (workSignals, workSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    private var welcomed = false
    /// The latest model version received, checked against its announced hash.
    private var model: (version: Int, hash: String, weights: [Tensor])?
    /// The latest round that has work for this node.
    private var pendingRound: RoundStart?
    /// Clients already trained (or failed) in `pendingRound`.
    private var done: Set<Int> = []
    private var lastModelRequest: (version: Int, at: ContinuousClock.Instant)?
    private var rejections = RejectionCounter()
    private let specs: [ParameterSpec]

    static func start(settings: NodeSettings, clients: [LocalClient], logger: Logger) async throws -> DeviceWorker {
        let specs = try ModelZoo.make(settings.model, seed: 0).parameterSpecs
        let loop = try await IOLoop.start(name: "fedz-node-io")
        do {
            let sockets = SocketSettings(curve: settings.curve)
            let subscriber = try await Subscriber(
                loop: loop, connect: [settings.coordinatorPublish],
                topics: [Topic.round.rawValue, Topic.model.rawValue, Topic.node(settings.id).rawValue],
                settings: sockets)
            let pusher = try await Pusher(loop: loop, connect: settings.coordinatorPull, settings: sockets)
            return DeviceWorker(
                settings: settings, clients: clients, specs: specs, logger: logger, loop: loop,
                subscriber: subscriber, pusher: pusher)
        } catch {
            await loop.shutdown()
            throw error
        }
    }

    private init(
        settings: NodeSettings, clients: [LocalClient], specs: [ParameterSpec], logger: Logger, loop: IOLoop,
        subscriber: Subscriber, pusher: Pusher
    ) {
        self.settings = settings
        self.clients = Dictionary(uniqueKeysWithValues: clients.map { ($0.id, $0) })
        self.specs = specs
        self.logger = logger
        self.loop = loop
        self.subscriber = subscriber
        self.pusher = pusher
    }

    /// Runs until cancelled.
    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in self.subscriber.messages { await self.receive(message) }
            }
            group.addTask {
                for await _ in self.workSignals { await self.trainPending() }
            }
            group.addTask {
                for await event in self.loop.securityEvents {
                    self.logger.warning("transport security: cannot reach the coordinator", metadata: ["event": "\(event)"])
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    await self.beat()
                    try await Task.sleep(for: self.settings.heartbeatInterval)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Closes the sockets and stops the I/O and compute threads.
    func shutdown() async {
        workSignal.finish()
        await loop.shutdown()
        compute.stop()
    }

    // MARK: - Membership

    /// Says hello until welcomed, then heartbeats.
    private func beat() async {
        if welcomed {
            await push(kind: .heartbeat, body: Empty())
        } else {
            let infos = clients.values.sorted { $0.id < $1.id }.map { ClientInfo(id: $0.id, samples: $0.data.count) }
            await push(kind: .hello, body: Hello(clients: infos, architecture: settings.model))
        }
    }

    // MARK: - Receiving

    private func receive(_ frames: Multipart) async {
        do {
            let envelope = try WireFormat.decode(frames)
            guard envelope.header.sender == "coordinator" else {
                throw WireError(.unexpected, "message from \(envelope.header.sender)")
            }
            try handle(envelope)
        } catch {
            let wireError = error as? WireError ?? WireError(.unexpected, "\(error)")
            if rejections.record(wireError.reason) {
                logger.warning("message rejected", metadata: ["reason": "\(wireError.reason)", "detail": "\(wireError.detail)"])
            }
        }
    }

    private func handle(_ envelope: Envelope) throws(WireError) {
        switch envelope.header.kind {
        case .welcome:
            if try envelope.body(Welcome.self).incarnation == incarnation, !welcomed {
                welcomed = true
                logger.info("joined the federation", metadata: ["fedz.node": "\(settings.id)"])
            }
        case .rejoin:
            welcomed = false
        case .model:
            try acceptModel(envelope)
        case .roundStart:
            let start = try envelope.body(RoundStart.self)
            guard start.assignments[settings.id]?.isEmpty == false else { return }
            if start.round != pendingRound?.round {
                guard start.round > pendingRound?.round ?? 0 else { return }
                pendingRound = start
                done = []
            }
            workSignal.yield()
        default:
            throw WireError(.unexpected, "kind \(envelope.header.kind)")
        }
    }

    private func acceptModel(_ envelope: Envelope) throws(WireError) {
        let announcement = try envelope.body(ModelAnnouncement.self)
        guard let version = envelope.header.modelVersion, announcement.architecture == settings.model else {
            throw WireError(.unexpected, "model for \(announcement.architecture), this node trains \(settings.model)")
        }
        guard version > model?.version ?? -1 else { return }
        let weights = try ModelCodec.tensors(envelope.tensors, matching: specs)
        guard ModelCodec.contentHash(weights) == announcement.hash else {
            throw WireError(.badBody, "model \(version) does not match its hash")
        }
        model = (version, announcement.hash, weights)
        workSignal.yield()
    }

    // MARK: - Training

    /// Trains the clients of the pending round one by one while the round stays
    /// current; asks for the model version first when it is missing.
    private func trainPending() async {
        while let start = pendingRound,
              let client = start.assignments[settings.id]?.first(where: { !done.contains($0) })
        {
            guard let model, model.version == start.modelVersion, model.hash == start.modelHash else {
                await requestModel(start.modelVersion)
                return
            }
            done.insert(client)
            await trainClient(client, round: start, weights: model.weights)
        }
    }

    private func requestModel(_ version: Int) async {
        let now = ContinuousClock.now
        if let last = lastModelRequest, last.version == version, now - last.at < .seconds(1) { return }
        lastModelRequest = (version, now)
        await push(kind: .modelRequest, body: ModelRequest(version: version))
    }

    private func trainClient(_ id: Int, round start: RoundStart, weights: [Tensor]) async {
        guard let client = clients[id] else {
            await push(kind: .trainingFailed, round: start, body: TrainingFailure(client: id, reason: "client \(id) is not hosted here"))
            return
        }
        let (architecture, config, byzantine) = (settings.model, start.training.forClient(id, round: start.round), settings.byzantine)
        do {
            let (report, delta) = try await compute.run {
                let model = try ModelZoo.make(architecture, seed: 0)
                try model.setParameters(weights)
                let report = try Learning.train(model, on: client.data, config: config)
                let delta = ModelDelta.between(local: model.parameters(), global: weights)
                return (report, byzantine?.corrupt(delta, seed: config.seed) ?? delta)
            }
            let body = UpdateReport(client: id, samples: report.samples, trainLoss: report.meanLoss)
            let envelope = try Envelope(
                topic: .report, header: header(.update, round: start), body: body,
                tensors: ModelCodec.wireTensors(delta, specs: specs))
            try await pusher.send(WireFormat.encode(envelope))
            logger.debug("update sent", metadata: ["fedz.round": "\(start.round)", "fedz.client": "\(id)"])
        } catch {
            logger.warning("training failed", metadata: ["fedz.client": "\(id)", "error": "\(error)"])
            await push(kind: .trainingFailed, round: start, body: TrainingFailure(client: id, reason: "\(error)"))
        }
    }

    // MARK: - Sending

    private func header(_ kind: MessageKind, round: RoundStart? = nil) -> Header {
        Header(
            kind: kind, sender: settings.id, incarnation: incarnation, round: round?.round,
            modelVersion: round?.modelVersion)
    }

    private func push<Body: Encodable>(kind: MessageKind, round: RoundStart? = nil, body: Body) async {
        do {
            let envelope = try Envelope(topic: .report, header: header(kind, round: round), body: body)
            try await pusher.send(WireFormat.encode(envelope), timeout: settings.heartbeatInterval)
        } catch {
            logger.debug("push failed", metadata: ["kind": "\(kind)", "error": "\(error)"])
        }
    }
}
