import Actors
import Federation
import FedzProtocol
import Learning

/// The coordinator's shell state for one secure round around the pure `SecAggServer`:
/// where each client lives, the request each awaited client was last sent (re-sent
/// until it answers, as PUB/SUB may lose it), losses reported, and stage times.
struct SecureRound: Sendable {
    var server: SecAggServer
    let aggregation: SecureFedAvg
    /// Client → the node that hosts it, and its sample count.
    let hosts: [Int: (node: String, samples: Int)]
    /// The current stage's message to each client (stages 2–4).
    var requests: [Int: Envelope] = [:]
    var lastResend: ContinuousClock.Instant
    /// Clients whose nodes died, not yet told to the server.
    var newlyLost: Set<Int> = []
    var trainLosses: [Int: Double] = [:]
    var stageStarted: ContinuousClock.Instant
    var stageSeconds: [String: Double] = [:]
    /// The unmasking runs on the compute thread; meanwhile the server is not touched here.
    var busy = false
    /// Events that came while `busy`, applied in order once the server is back.
    var deferred: [Event] = []
    /// `.finished` or `.aborted` once the round is over.
    var outcome: SecAggServerDirective?

    init(server: SecAggServer, aggregation: SecureFedAvg, hosts: [Int: (node: String, samples: Int)], now: ContinuousClock.Instant) {
        self.server = server
        self.aggregation = aggregation
        self.hosts = hosts
        lastResend = now
        stageStarted = now
    }

    /// Opens SecAgg+ session `session` among the clients `start` samples (`nodes` holds each
    /// node's registered clients), and fills its configuration and sample total into `start`.
    /// Throws when the sample is one the protocol cannot serve (too few clients for its threshold).
    init(
        opening start: inout RoundStart, session: Int, settings: CoordinatorSettings, secure: SecureAggregationSettings,
        vectorLength: Int, expectedClients: Double, nodes: [String: [ClientInfo]], now: ContinuousClock.Instant
    ) throws {
        var hosts: [Int: (node: String, samples: Int)] = [:]
        for (node, clients) in start.assignments {
            let counts = Dictionary((nodes[node] ?? []).map { ($0.id, $0.samples) }, uniquingKeysWith: { first, _ in first })
            for client in clients { hosts[client] = (node, counts[client] ?? 0) }
        }
        let config = secure.config(
            session: session, participants: Array(hosts.keys), vectorLength: vectorLength,
            graphSeed: settings.seed ^ (UInt64(session) &* 0x9E37_79B9_7F4A_7C15),
            stageTimeout: max(10, 10 * settings.heartbeatInterval.seconds), inputTimeout: settings.roundTimeout.seconds)
        let sampleTotal = hosts.values.reduce(0) { $0 + $1.samples }
        let server: SecAggServer
        do {
            server = try SecAggServer(config: config, now: now)
        } catch {
            throw FedzError("round \(start.round) cannot aggregate securely among \(hosts.count) client(s): \(error)")
        }
        (start.secureAggregation, start.sampleTotal) = (config, sampleTotal)
        self.init(
            server: server,
            aggregation: SecureFedAvg(
                config: config, sampleTotal: sampleTotal, privacy: settings.privacy,
                mergesPrototypes: ModelZoo.prototypeNames.contains(settings.model),
                expectedClients: settings.privacy == nil ? nil : expectedClients),
            hosts: hosts, now: now)
    }

    /// When the round loop must look at this round next: the stage's deadline, or when the
    /// awaited clients' requests are due again (`resend` after the last sending).
    func nextWake(resend: Duration) -> ContinuousClock.Instant {
        min(server.deadline, lastResend + resend)
    }

    /// Records how long the stage `closed` took, up to `now`.
    mutating func close(_ closed: SecAggServer.Stage, now: ContinuousClock.Instant) {
        stageSeconds[closed.rawValue] = (now - stageStarted).seconds
        stageStarted = now
    }

    /// What the server's `directive` at the close of `stage` means at `now`: each client's
    /// message of the stage that opened, addressed to the node hosting it (returned, to send,
    /// and kept to send again), or the round's outcome (recorded; nothing to send).
    mutating func onDirective(
        _ directive: SecAggServerDirective, closing stage: SecAggServer.Stage, now: ContinuousClock.Instant,
        header: (MessageKind) -> Header
    ) -> [Envelope] {
        guard directive != .wait else { return [] }
        close(stage, now: now)
        var requests: [Int: Envelope] = [:]
        func address<Body: Encodable & Sendable>(_ bodies: [Int: Body], kind: MessageKind) {
            for (client, body) in bodies {
                guard let node = hosts[client]?.node else { continue }
                requests[client] = try? Envelope(topic: .node(node), header: header(kind), body: body)
            }
        }
        switch directive {
        case .sendKeyDirectories(let directories): address(directories, kind: .secaggDirectory)
        case .sendShareDeliveries(let deliveries): address(deliveries, kind: .secaggDelivery)
        case .sendUnmaskRequests(let unmask): address(unmask, kind: .secaggUnmask)
        case .finished, .aborted, .wait: outcome = directive
        }
        self.requests = requests
        lastResend = now
        return requests.keys.sorted().compactMap { requests[$0] }
    }

    /// The current stage's messages to clients still awaited (and not lost), when `resend` has
    /// passed since they last went out at `now` (PUB/SUB may have lost them); empty otherwise.
    mutating func dueResends(now: ContinuousClock.Instant, every resend: Duration) -> [Envelope] {
        guard now - lastResend >= resend else { return [] }
        lastResend = now
        return server.awaited.subtracting(server.lost).sorted().compactMap { requests[$0] }
    }

    /// Writes off the clients `node` hosted; they are told to the server at the next look.
    mutating func onNodeLost(_ node: String) {
        newlyLost.formUnion(hosts.filter { $0.value.node == node }.keys)
    }

    /// The sample-weighted mean training loss of `clients` that reported one (0 when none did).
    func trainLoss(of clients: [Int]) -> Double {
        let reported = clients.compactMap { client in trainLosses[client].map { ($0, Double(hosts[client]?.samples ?? 0)) } }
        let samples = reported.reduce(0) { $0 + $1.1 }
        return samples > 0 ? reported.reduce(0) { $0 + $1.0 * $1.1 } / samples : 0
    }
}
