import Federation
import FedzProtocol
import Learning

/// A node of an `InMemoryFleet` that speaks the protocol as `fedz-node` does — hello until
/// welcomed, heartbeats every interval, an update for each of its sampled clients — but
/// "trains" by sending a known delta: every parameter of client c's update in round r is
/// `delta(c, r)`. So a test can compute what the coordinator must aggregate.
actor SimulatedNode {
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
    }

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

    init(
        id: String, clients: [ClientInfo], model: String, specs: [ParameterSpec], clock: VirtualClock,
        fleet: InMemoryFleet, interval: Duration, incarnation: UInt64, behaviour: Behaviour = .answers,
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
        } else {
            push(.hello, body: Hello(clients: clients, architecture: model))
        }
    }

    private func receive(_ frames: Multipart) {
        guard let envelope = try? WireFormat.decode(frames) else { return }
        switch envelope.header.kind {
        case .welcome: welcomed = true
        case .rejoin: welcomed = false
        case .roundStart:
            guard let start = try? envelope.body(RoundStart.self) else { return }
            roundStarts[start.round, default: 0] += 1
            answer(start)
        default: break
        }
    }

    private func answer(_ start: RoundStart) {
        if case .diesInRound(let round) = behaviour, round == start.round { return kill() }
        let answered = Set(start.answered)
        for client in start.assignments[id] ?? [] where !answered.contains(client) {
            let key = "\(start.round)/\(client)"
            if let last = answeredAt[key], clock.now - last < interval { continue }
            answeredAt[key] = clock.now
            switch behaviour {
            case .neverAnswers:
                return
            case .failsRound(let round) where round == start.round:
                failuresSent += 1
                push(.trainingFailed, round: start, body: TrainingFailure(client: client, reason: "simulated failure"))
                if client == start.assignments[id]?.last { behaviour = .answers }
            case .answers, .failsRound, .diesInRound:
                sendUpdate(client: client, start: start)
            }
        }
    }

    private func sendUpdate(client: Int, start: RoundStart) {
        let value = delta(client, start.round)
        let tensors = specs.map { Tensor(shape: $0.shape, values: Array(repeating: value, count: $0.shape.reduce(1, *))) }
        let samples = clients.first { $0.id == client }?.samples ?? 1
        let report = UpdateReport(client: client, samples: samples, trainLoss: 1, hash: ModelCodec.contentHash(tensors))
        guard let envelope = try? Envelope(
            topic: .report, header: header(.update, round: start), body: report,
            tensors: ModelCodec.wireTensors(tensors, specs: specs))
        else { return }
        connection?.send(WireFormat.encode(envelope))
    }

    private func push<Body: Encodable>(_ kind: MessageKind, round: RoundStart? = nil, body: Body) {
        guard let envelope = try? Envelope(topic: .control, header: header(kind, round: round), body: body) else { return }
        connection?.send(WireFormat.encode(envelope))
    }

    private func header(_ kind: MessageKind, round: RoundStart?) -> Header {
        Header(kind: kind, sender: id, incarnation: incarnation, round: round?.round, modelVersion: round?.modelVersion)
    }
}
