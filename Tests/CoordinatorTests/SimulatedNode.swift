import Federation
import FedzProtocol
import Learning

/// A node of an `InMemoryFleet` that speaks the protocol as `fedz-node` does — hello until
/// welcomed, heartbeats every interval, an update for each of its sampled clients — but
/// "trains" by sending a known delta: every parameter of client c's update in round r is
/// `delta(c, r)`. So a test can compute what the coordinator must aggregate. In a secure round
/// each sampled client runs a `SecAggClient` (`SimulatedNode+SecureAggregation.swift`); with a
/// field oracle the node reports the field accuracy the test dictates for the versions it serves.
actor SimulatedNode {
    /// The field accuracy the test dictates for a version, given the latest round the
    /// coordinator announced (so that drift can set in from a round on).
    typealias FieldOracle = @Sendable (_ version: Int, _ round: Int) -> Double

    /// How the node answers a round start.
    enum Behaviour: Sendable {
        /// Sends an update for each of its sampled clients.
        case answers
        /// Keeps heart-beating but never answers a round (a node stuck in training).
        case neverAnswers
        /// Reports each sampled client as failed to train in `round`, then answers normally.
        case failsRound(Int)
        /// Dies when `round` starts, before answering it.
        case diesInRound(Int)
        /// Dies when the coordinator's first message of this kind arrives, before handling it
        /// (e.g. `.secaggDelivery`: after sending its clients' keys and shares, before masking).
        case diesOn(MessageKind)
    }

    /// Samples in each field batch the node reports on.
    static let fieldBatch = 100

    let id: String
    let clients: [ClientInfo]
    let model: String
    let specs: [ParameterSpec]
    let clock: VirtualClock
    let fleet: InMemoryFleet
    let interval: Duration
    let delta: @Sendable (_ client: Int, _ round: Int) -> Float
    var behaviour: Behaviour
    let incarnation: UInt64
    /// Virtual time a client's training takes before its update is sent (none by default).
    let trainingTime: Duration
    let fieldOracle: FieldOracle?
    private var connection: InMemoryConnection?
    private var tasks: [Task<Void, Never>] = []
    private var welcomed = false
    /// When each (round, client) was last answered: a re-broadcast that arrives before the
    /// coordinator acknowledged it is not answered twice.
    private var answeredAt: [String: ContinuousClock.Instant] = [:]
    /// Round starts received, by round.
    private(set) var roundStarts: [Int: Int] = [:]
    /// Training failures reported.
    private(set) var failuresSent = 0
    /// The model version each round (the last attempt of it) trained, by round.
    private(set) var trainedVersions: [Int: Int] = [:]
    /// What the coordinator last said to serve.
    private var status: CoordinatorStatus?
    /// Field reports sent.
    private(set) var fieldReportsSent = 0
    /// The secure-aggregation session of the latest secure round start.
    var secure: SimulatedSecureSession?
    /// Secure-aggregation requests this node could not answer, and why: a test expects none.
    var secureRefusals: [String] = []
    /// Secure-aggregation replies sent again because the coordinator repeated its request.
    var resent = 0

    init(
        id: String, clients: [ClientInfo], model: String, specs: [ParameterSpec], clock: VirtualClock,
        fleet: InMemoryFleet, interval: Duration, incarnation: UInt64, behaviour: Behaviour = .answers,
        trainingTime: Duration = .zero, fieldOracle: FieldOracle? = nil,
        delta: @escaping @Sendable (_ client: Int, _ round: Int) -> Float
    ) {
        self.id = id
        self.clients = clients
        self.model = model
        self.specs = specs
        self.clock = clock
        self.fleet = fleet
        self.interval = interval
        self.incarnation = incarnation
        self.behaviour = behaviour
        self.trainingTime = trainingTime
        self.fieldOracle = fieldOracle
        self.delta = delta
    }

    /// Connects and starts saying hello.
    func start() {
        let connection = fleet.connect(id, topics: [.node(id), .round])
        self.connection = connection
        tasks.append(Task { [weak self] in
            for await frames in connection.messages { await self?.receive(frames) }
        })
        tasks.append(Task { [weak self] in
            while !Task.isCancelled, let node = self {
                await node.tick()
                do { try await node.clock.sleep(for: node.interval) } catch { return }
            }
        })
    }

    /// Dies: stops sending and receiving, as a killed process does.
    func kill() {
        for task in tasks { task.cancel() }
        tasks = []
        connection?.disconnect()
        connection = nil
    }

    func setBehaviour(_ behaviour: Behaviour) { self.behaviour = behaviour }

    private func tick() {
        if welcomed {
            push(.heartbeat, body: Empty())
            reportField()
        } else {
            push(.hello, body: Hello(clients: clients, architecture: model))
        }
    }

    /// Reports the field accuracy of the production version (and the candidate) the coordinator
    /// last named, as the oracle dictates, on a batch of `fieldBatch` samples.
    private func reportField() {
        guard let fieldOracle, let status, let production = status.production else { return }
        let candidate = status.candidate?.version
        fieldReportsSent += 1
        push(.fieldReport, body: FieldObservation(
            version: production.version, accuracy: fieldOracle(production.version, status.round), samples: Self.fieldBatch,
            candidateVersion: candidate, candidateAccuracy: candidate.map { fieldOracle($0, status.round) }))
    }

    private func receive(_ frames: Multipart) {
        guard let envelope = try? WireFormat.decode(frames) else { return }
        if case .diesOn(let kind) = behaviour, kind == envelope.header.kind { return kill() }
        switch envelope.header.kind {
        case .welcome: welcomed = true
        case .rejoin: welcomed = false
        case .heartbeat: status = try? envelope.body(CoordinatorStatus.self)
        case .roundStart:
            guard let start = try? envelope.body(RoundStart.self) else { return }
            roundStarts[start.round, default: 0] += 1
            if case .diesInRound(let round) = behaviour, round == start.round { return kill() }
            guard start.assignments[id]?.isEmpty == false else { return }
            trainedVersions[start.round] = start.modelVersion
            if start.secureAggregation != nil {
                joinSecureRound(start)
            } else {
                answer(start)
            }
        case .secaggDirectory, .secaggDelivery, .secaggUnmask:
            acceptSecureAggregation(envelope)
        default: break
        }
    }

    private func answer(_ start: RoundStart) {
        let answered = Set(start.answered)
        for client in start.assignments[id] ?? [] where !answered.contains(client) {
            let key = "\(start.round)/\(client)"
            // While its training lasts, and for an interval after, a client is not answered again.
            if let last = answeredAt[key], clock.now - last < interval { continue }
            answeredAt[key] = clock.now + trainingTime
            switch behaviour {
            case .neverAnswers:
                return
            case .failsRound(let round) where round == start.round:
                failuresSent += 1
                push(.trainingFailed, round: start, body: TrainingFailure(client: client, reason: "simulated failure"))
                if client == start.assignments[id]?.last { behaviour = .answers }
            case .answers, .failsRound, .diesInRound, .diesOn:
                guard trainingTime > .zero else {
                    sendUpdate(client: client, start: start)
                    continue
                }
                tasks.append(Task { [weak self, clock, trainingTime] in
                    do { try await clock.sleep(for: trainingTime) } catch { return }
                    await self?.sendUpdate(client: client, start: start)
                })
            }
        }
    }

    /// Client `client`'s update in `round`: every parameter moves by `delta(client, round)`.
    func deltaTensors(client: Int, round: Int) -> [Tensor] {
        let value = delta(client, round)
        return specs.map { Tensor(shape: $0.shape, values: Array(repeating: value, count: $0.shape.reduce(1, *))) }
    }

    /// The samples client `client` declared in the node's hello.
    func samples(of client: Int) -> Int { clients.first { $0.id == client }?.samples ?? 1 }

    private func sendUpdate(client: Int, start: RoundStart) {
        let tensors = deltaTensors(client: client, round: start.round)
        let samples = samples(of: client)
        let report = UpdateReport(client: client, samples: samples, trainLoss: 1, hash: ModelCodec.contentHash(tensors))
        guard let envelope = try? Envelope(
            topic: .report, header: header(.update, round: start), body: report,
            tensors: ModelCodec.wireTensors(tensors, specs: specs))
        else { return }
        send(envelope)
    }

    /// Sends an envelope to the coordinator, if still connected.
    func send(_ envelope: Envelope) { send(WireFormat.encode(envelope)) }

    /// Sends encoded frames to the coordinator, if still connected.
    func send(_ frames: Multipart) { connection?.send(frames) }

    private func push<Body: Encodable>(_ kind: MessageKind, round: RoundStart? = nil, body: Body) {
        guard let envelope = try? Envelope(topic: .control, header: header(kind, round: round), body: body) else { return }
        connection?.send(WireFormat.encode(envelope))
    }

    func header(_ kind: MessageKind, round: RoundStart?) -> Header {
        Header(kind: kind, sender: id, incarnation: incarnation, round: round?.round, modelVersion: round?.modelVersion)
    }
}
