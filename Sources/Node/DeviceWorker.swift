import Actors
import Federation
import FedzProtocol
import Learning
import Logging

/// A device worker: joins the federation, keeps a heartbeat, fetches model versions,
/// trains its sampled clients off the cooperative pool and pushes their updates.
actor DeviceWorker {
    let settings: NodeSettings
    /// The hosted clients and their local data (shifted once injected drift begins).
    var store: ClientStore
    let logger: Logger
    /// The coordinator's publications in, updates and control traffic out (hellos, heartbeats,
    /// model requests and field reports on their own path, so that they never queue behind
    /// updates here or at the coordinator).
    let channel: any PeerChannel
    let clock: any FederationClock
    let compute = ComputeThread(name: "fedz-node-compute")
    let incarnation = Incarnation.now()
    let (workSignals, workSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    /// Rounds at which injected drift begins, for the task that shifts the data; the receive
    /// loop hands them over instead of waiting for the shift.
    let (driftRounds, driftRound) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))

    var link: CoordinatorLink
    /// This round's reports (updates and failures) by client, kept until the coordinator
    /// lists the client as answered, so that a lost report is sent again.
    var outbox: [Int: (frames: Multipart, sentAt: ContinuousClock.Instant)] = [:]
    var generator = SystemRandomNumberGenerator()
    /// Model versions received, checked against their announced hashes: the ones being
    /// trained, served and evaluated.
    var models: [Int: (hash: String, weights: [Tensor])] = [:]
    /// What the coordinator says to serve (production) and evaluate (candidate).
    var serving: CoordinatorStatus?
    var drifted = false
    /// The data is being shifted: training waits for it, everything else goes on.
    var shifting = false
    /// The latest round that has work for this node.
    var pendingRound: RoundStart?
    /// Clients already trained (or failed) in `pendingRound`.
    var done: Set<Int> = []
    var lastModelRequest: (version: Int, at: ContinuousClock.Instant)?
    var rejections = RejectionCounter()
    /// The latest field evaluation (production, and the candidate when one is deployed).
    var lastField: FieldObservation?
    let specs: [ParameterSpec]
    /// The secure-aggregation session of the pending round, if it aggregates securely.
    var secureSession: SecureSession?

    /// The topics a node subscribes to: round starts and status, models, and its own.
    static func topics(of id: String) -> [Topic] { [.round, .model, .node(id)] }

    /// Connects to the coordinator over ZeroMQ (with the fault plan's faults, if any).
    static func start(settings: NodeSettings, clients: ClientStore, logger: Logger) async throws -> DeviceWorker {
        let transport = try await ZMQPeerChannel.connect(
            publish: settings.coordinatorPublish, topics: topics(of: settings.id), pull: settings.coordinatorPull,
            control: settings.coordinatorControl, settings: SocketSettings(curve: settings.curve), name: "fedz-node-io"
        ) { event in
            logger.warning("transport security: cannot reach the coordinator", metadata: ["event": "\(event)"])
        }
        return try start(settings: settings, clients: clients, logger: logger, channel: transport, clock: SystemClock())
    }

    /// A worker that talks through `channel` (wrapped in the fault plan's faults when it has
    /// any) on `clock`'s time.
    static func start(
        settings: NodeSettings, clients: ClientStore, logger: Logger, channel: any PeerChannel, clock: any FederationClock
    ) throws -> DeviceWorker {
        let specs = try ModelZoo.learner(settings.model, seed: 0).parameterSpecs
        var channel = channel
        if settings.faultPlan.injectsFaults {
            // Each node draws its own faults: the plan's seed mixed with an FNV-1a hash of the node id.
            let seed = settings.id.utf8.reduce(settings.faultPlan.seed ^ 0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
            channel = FaultyPeerChannel(
                wrapping: channel, plan: settings.faultPlan, inbound: SeededGenerator(seed: seed ^ 0xFA17),
                outbound: SeededGenerator(seed: seed), clock: clock)
        }
        return DeviceWorker(settings: settings, clients: clients, specs: specs, logger: logger, channel: channel, clock: clock)
    }

    private init(
        settings: NodeSettings, clients: ClientStore, specs: [ParameterSpec], logger: Logger, channel: any PeerChannel,
        clock: any FederationClock
    ) {
        self.settings = settings
        self.store = clients
        self.specs = specs
        self.logger = logger
        self.channel = channel
        self.clock = clock
        self.link = CoordinatorLink(interval: settings.heartbeatInterval, liveness: settings.heartbeatLiveness)
    }

    /// Runs until cancelled.
    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in self.channel.messages { await self.receive(message) }
            }
            group.addTask {
                for await _ in self.workSignals { await self.trainPending() }
            }
            group.addTask {
                for await round in self.driftRounds { await self.shiftData(round: round) }
            }
            group.addTask { await self.channel.serve() }
            group.addTask {
                while !Task.isCancelled {
                    await self.beat()
                    try await self.clock.sleep(for: self.settings.heartbeatInterval)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try await self.clock.sleep(for: self.settings.fieldInterval)
                    await self.monitorField()
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Closes the channel and stops the compute thread.
    func shutdown() async {
        workSignal.finish()
        driftRound.finish()
        await channel.close()
        compute.stop()
    }

    // MARK: - Membership

    /// Says hello (with backoff) until welcomed, then heartbeats; called every interval.
    func beat() async {
        switch link.onTick(now: clock.now, using: &generator) {
        case .heartbeat:
            await push(kind: .heartbeat, body: Empty())
        case .hello:
            let infos = store.clients.map { ClientInfo(id: $0, samples: store.sampleCount(of: $0) ?? 0) }
            await push(kind: .hello, body: Hello(clients: infos, architecture: settings.model))
        case nil:
            break
        }
    }

    // MARK: - Receiving

    func receive(_ frames: Multipart) async {
        do {
            let envelope = try WireFormat.decode(frames)
            guard envelope.header.sender == "coordinator" else {
                throw WireError(.unexpected, "message from \(envelope.header.sender)")
            }
            switch link.onMessage(incarnation: envelope.header.incarnation, now: clock.now) {
            case .stale: throw WireError(.unexpected, "message from an old coordinator incarnation")
            case .restarted:
                logger.notice("the coordinator restarted; joining again")
                (pendingRound, done, outbox, lastModelRequest, secureSession) = (nil, [], [:], nil, nil)
            case .fresh: break
            }
            try await handle(envelope)
        } catch {
            let wireError = error as? WireError ?? WireError(.unexpected, "\(error)")
            if rejections.record(wireError.reason) {
                logger.warning("message rejected", metadata: ["reason": "\(wireError.reason)", "detail": "\(wireError.detail)"])
            }
        }
    }

    func handle(_ envelope: Envelope) async throws(WireError) {
        switch envelope.header.kind {
        case .welcome:
            if try envelope.body(Welcome.self).incarnation == incarnation, !link.welcomed {
                link.onWelcome()
                logger.info("joined the federation", metadata: ["fedz.node": "\(settings.id)"])
            }
        case .rejoin:
            link.onRejoin()
        case .heartbeat:
            await serve(try envelope.body(CoordinatorStatus.self))
        case .model:
            try acceptModel(envelope)
        case .secaggDirectory, .secaggDelivery, .secaggUnmask:
            try await acceptSecureAggregation(envelope)
        case .roundStart:
            let start = try envelope.body(RoundStart.self)
            observeRound(start.round)
            guard start.assignments[settings.id]?.isEmpty == false else { return }
            // A retried round keeps its number but may train another version or other clients,
            // and is a new secure-aggregation session.
            if start.round != pendingRound?.round || start.modelHash != pendingRound?.modelHash
                || start.assignments[settings.id] != pendingRound?.assignments[settings.id]
                || start.secureAggregation != pendingRound?.secureAggregation
            {
                guard start.round >= pendingRound?.round ?? 0 else { return }
                pendingRound = start
                done = []
                outbox = [:]
            }
            await resendUnanswered(answered: Set(start.answered))
            await joinSecureRound(start)
            workSignal.yield()
        default:
            throw WireError(.unexpected, "kind \(envelope.header.kind)")
        }
    }

    func acceptModel(_ envelope: Envelope) throws(WireError) {
        let announcement = try envelope.body(ModelAnnouncement.self)
        guard let version = envelope.header.modelVersion, announcement.architecture == settings.model else {
            throw WireError(.unexpected, "model for \(announcement.architecture), this node trains \(settings.model)")
        }
        guard models[version]?.hash != announcement.hash else { return }
        let weights = try ModelCodec.tensors(envelope.tensors, matching: specs)
        guard ModelCodec.contentHash(weights) == announcement.hash else {
            throw WireError(.checksum, "model \(version) does not match its hash")
        }
        models[version] = (announcement.hash, weights)
        pruneModels()
        workSignal.yield()
    }

    // MARK: - Training

    /// Trains the clients of the pending round one by one while the round stays
    /// current; asks for the model version first when it is missing. Waits (returns, to be
    /// signalled again) while the data is being shifted.
    func trainPending() async {
        while !shifting, let start = pendingRound,
              let client = start.assignments[settings.id]?.first(where: { !done.contains($0) })
        {
            guard let model = models[start.modelVersion], model.hash == start.modelHash else {
                await requestModel(start.modelVersion)
                return
            }
            done.insert(client)
            await trainClient(client, round: start, weights: model.weights)
        }
    }

    func requestModel(_ version: Int) async {
        let now = clock.now
        if let last = lastModelRequest, last.version == version, now - last.at < .seconds(1) { return }
        lastModelRequest = (version, now)
        await push(kind: .modelRequest, body: ModelRequest(version: version))
    }

    func trainClient(_ id: Int, round start: RoundStart, weights: [Tensor]) async {
        guard store.sampleCount(of: id) != nil else {
            await push(kind: .trainingFailed, round: start, body: TrainingFailure(client: id, reason: "client \(id) is not hosted here"))
            return
        }
        let (architecture, config, byzantine, store) = (
            settings.model, start.training.forClient(id, round: start.round), settings.byzantine, self.store)
        // Plain updates are privatised here; secure inputs when they are masked.
        let privacy = start.secureAggregation == nil ? start.privacy : nil
        do {
            let (report, delta) = try await compute.run {
                let learner = try ModelZoo.learner(architecture, seed: 0)
                try learner.setParameters(weights)
                // The client's samples and model exist only while it trains.
                let (report, delta) = try learner.learn(from: store.data(of: id)!, config: config, round: start.round)
                let sent = byzantine?.corrupt(delta, seed: config.seed) ?? delta
                var random = CryptoRandom()
                return (report, privacy?.privatize(delta: sent, using: &random) ?? sent)
            }
            if let session = start.secureAggregation?.round {
                await trainedSecurely(
                    id, session: session, trained: SecureSession.Trained(delta: delta, samples: report.samples, trainLoss: report.meanLoss))
                return
            }
            let body = UpdateReport(
                client: id, samples: report.samples, trainLoss: report.meanLoss, hash: ModelCodec.contentHash(delta))
            let envelope = try Envelope(
                topic: .report, header: header(.update, round: start), body: body,
                tensors: ModelCodec.wireTensors(delta, specs: specs))
            await sendReport(WireFormat.encode(envelope), client: id, round: start.round)
        } catch {
            logger.warning("training failed", metadata: ["fedz.client": "\(id)", "error": "\(error)"])
            if let envelope = try? Envelope(
                topic: .report, header: header(.trainingFailed, round: start),
                body: TrainingFailure(client: id, reason: "\(error)"))
            {
                await sendReport(WireFormat.encode(envelope), client: id, round: start.round)
            }
        }
    }

    /// Sends a client's report and keeps it until the coordinator confirms it.
    func sendReport(_ frames: Multipart, client: Int, round: Int) async {
        guard pendingRound?.round == round else { return }
        outbox[client] = (frames, clock.now)
        await transmit(frames, timeout: .seconds(10))
    }

    /// Re-sends reports the coordinator has not listed as answered for a while: the
    /// re-broadcast round start doubles as an acknowledgement.
    func resendUnanswered(answered: Set<Int>) async {
        let now = clock.now
        for client in Array(outbox.keys) {
            guard let entry = outbox[client] else { continue }
            if answered.contains(client) {
                outbox[client] = nil
            } else if now - entry.sentAt > settings.heartbeatInterval * 2 {
                outbox[client] = (entry.frames, now)
                logger.debug("report not acknowledged; sending it again", metadata: ["fedz.client": "\(client)"])
                await transmit(entry.frames, timeout: .seconds(10))
            }
        }
    }

    // MARK: - Sending

    func header(_ kind: MessageKind, round: RoundStart? = nil) -> Header {
        Header(
            kind: kind, sender: settings.id, incarnation: incarnation, round: round?.round,
            modelVersion: round?.modelVersion)
    }

    /// Sends a small message on the control topic and socket (hello, heartbeat, requests,
    /// field reports, a client that cannot train).
    func push<Body: Encodable>(kind: MessageKind, round: RoundStart? = nil, body: Body) async {
        guard let envelope = try? Envelope(topic: .control, header: header(kind, round: round), body: body) else { return }
        await transmit(WireFormat.encode(envelope), timeout: settings.heartbeatInterval, control: true)
    }

    /// Sends on the channel, by default with the updates; failures are logged, as every message
    /// the node sends is repeated or re-sent when it matters.
    func transmit(_ frames: Multipart, timeout: Duration, control: Bool = false) async {
        do {
            try await channel.push(frames, control: control, timeout: timeout)
        } catch {
            logger.debug("send failed", metadata: ["error": "\(error)"])
        }
    }
}
