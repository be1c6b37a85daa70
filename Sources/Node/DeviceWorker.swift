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
    let (workSignals, workSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    /// Rounds at which injected drift begins, for the task that shifts the data; the receive
    /// loop hands them over instead of waiting for the shift.
    let (driftRounds, driftRound) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    /// A new version may be ready to evaluate on the held-out samples: the evaluating task takes
    /// it, so that the receive loop never waits behind the compute thread.
    let (evaluationSignals, evaluationSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    /// The node's name and incarnation on its messages, and their encoding.
    let envelopes: NodeEnvelopes
    var link: CoordinatorLink
    /// The pending round: its trained clients and the reports waiting for acknowledgement.
    var nodeRound: NodeRound
    /// The model versions held (trained, served and evaluated) and what to serve.
    var shelf: ModelShelf
    /// The SecAgg+ session of the pending round, if it aggregates securely.
    var secure: SecureParticipant
    var generator = SystemRandomNumberGenerator()
    var drifted = false
    /// The data is being shifted: training waits for it, everything else goes on.
    var shifting = false
    var rejections = RejectionCounter()
    /// The latest field evaluation (production, and the candidate when one is deployed).
    var lastField: FieldObservation?
    /// The newest version evaluated on the held-out samples (or being evaluated).
    var evaluatedVersion = 0

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
        self.logger = logger
        self.channel = channel
        self.clock = clock
        self.link = CoordinatorLink(interval: settings.heartbeatInterval, liveness: settings.heartbeatLiveness)
        // Reports and SecAgg+ replies go out again when unacknowledged for two heartbeat intervals.
        let envelopes = NodeEnvelopes(node: settings.id, incarnation: Incarnation.now(), specs: specs)
        self.envelopes = envelopes
        self.nodeRound = NodeRound(node: settings.id, resendAfter: settings.heartbeatInterval * 2)
        self.shelf = ModelShelf(architecture: settings.model, specs: specs, evaluatesLatest: clients.heldOut != nil)
        self.secure = SecureParticipant(
            envelopes: envelopes, mergesPrototypes: ModelZoo.prototypeNames.contains(settings.model),
            resendAfter: settings.heartbeatInterval * 2)
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
            group.addTask {
                for await _ in self.evaluationSignals { await self.evaluateLatest() }
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
        evaluationSignal.finish()
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
            let infos = store.clients.map { client in
                let heldOut = store.heldOutCount(of: client)
                return ClientInfo(id: client, samples: store.sampleCount(of: client) ?? 0, heldOut: heldOut > 0 ? heldOut : nil)
            }
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
                nodeRound.onCoordinatorRestarted()
                shelf.onCoordinatorRestarted()
                secure.onCoordinatorRestarted()
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
            if try envelope.body(Welcome.self).incarnation == envelopes.incarnation, !link.welcomed {
                link.onWelcome()
                logger.info("joined the federation", metadata: ["fedz.node": "\(settings.id)"])
            }
        case .rejoin:
            link.onRejoin()
        case .heartbeat:
            await serve(try envelope.body(CoordinatorStatus.self))
        case .model:
            if try shelf.onModel(envelope, roundVersion: nodeRound.pending?.modelVersion) {
                workSignal.yield()
                evaluationSignal.yield()
            }
        case .secaggDirectory, .secaggDelivery, .secaggUnmask:
            try await acceptSecureAggregation(envelope)
        case .roundStart:
            let start = try envelope.body(RoundStart.self)
            observeRound(start.round)
            for directive in nodeRound.onRoundStart(start, now: clock.now) {
                switch directive {
                case .resend(let client, let frames):
                    logger.debug("report not acknowledged; sending it again", metadata: ["fedz.client": "\(client)"])
                    await transmit(frames, timeout: .seconds(10))
                case .work(let start):
                    await joinSecureRound(start)
                    workSignal.yield()
                }
            }
        default:
            throw WireError(.unexpected, "kind \(envelope.header.kind)")
        }
    }

    // MARK: - Training

    /// Trains the clients of the pending round one by one while the round stays
    /// current; asks for the model version first when it is missing. Waits (returns, to be
    /// signalled again) while the data is being shifted.
    func trainPending() async {
        while !shifting, let step = nodeRound.nextStep(model: { shelf.weights(version: $0, hash: $1) }) {
            switch step {
            case .train(let client, let start, let weights):
                await trainClient(client, round: start, weights: weights)
            case .fetchModel(let version):
                await requestModel(version)
                return
            }
        }
    }

    /// Asks for a missing model version, unless it was just asked for.
    func requestModel(_ version: Int) async {
        guard shelf.onMissing(version: version, now: clock.now) else { return }
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
            let frames = try envelopes.update(
                client: id, samples: report.samples, trainLoss: report.meanLoss, delta: delta, round: start)
            await sendReport(frames, client: id, round: start.round)
        } catch {
            logger.warning("training failed", metadata: ["fedz.client": "\(id)", "error": "\(error)"])
            if let frames = try? envelopes.report(.trainingFailed, round: start, body: TrainingFailure(client: id, reason: "\(error)")) {
                await sendReport(frames, client: id, round: start.round)
            }
        }
    }

    /// Sends a client's report and keeps it until the coordinator confirms it.
    func sendReport(_ frames: Multipart, client: Int, round: Int) async {
        guard nodeRound.onReport(frames, client: client, round: round, now: clock.now) else { return }
        await transmit(frames, timeout: .seconds(10))
    }

    // MARK: - Sending

    /// Sends a small message on the control topic and socket (hello, heartbeat, requests,
    /// field reports, a client that cannot train).
    func push<Body: Encodable>(kind: MessageKind, round: RoundStart? = nil, body: Body) async {
        guard let frames = envelopes.control(kind, round: round, body: body) else { return }
        await transmit(frames, timeout: settings.heartbeatInterval, control: true)
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
