import Learning

/// A whole SecAgg+ round in one process — the server and every client exchanging
/// messages in memory — for tests and benchmarks. Clients listed in `dropouts` send
/// nothing from the given stage on; a stage that misses answers closes at its deadline.
public struct SecAggLocalRound: Sendable {
    public private(set) var server: SecAggServer
    public private(set) var clients: [Int: SecAggClient] = [:]
    /// The server's latest directive: the messages to deliver next, or the outcome.
    public private(set) var directive = SecAggServerDirective.wait
    /// Messages refused by a client or the server, which then count as not sent.
    public private(set) var rejections: [SecAggError] = []
    private let dropouts: [Int: SecAggServer.Stage]
    private var now: ContinuousClock.Instant

    /// Sets the round up at `now`; each client's randomness is a `CryptoRandom` derived from `seed`.
    public init(
        config: SecAggConfig, dropouts: [Int: SecAggServer.Stage] = [:], seed: UInt64, now: ContinuousClock.Instant
    ) throws(SecAggError) {
        server = try SecAggServer(config: config, now: now)
        self.dropouts = dropouts
        self.now = now
        var seeds = SeededGenerator(seed: seed)
        for id in config.participants.sorted() {
            let clientSeed = (0..<4).flatMap { _ in withUnsafeBytes(of: seeds.next().littleEndian, Array.init) }
            clients[id] = try SecAggClient(id: id, config: config, random: CryptoRandom(seed: clientSeed))
        }
    }

    /// Runs all four stages with `input` giving each client's quantised input, and
    /// returns `.finished` or `.aborted`.
    public static func run(
        config: SecAggConfig, dropouts: [Int: SecAggServer.Stage] = [:], seed: UInt64, now: ContinuousClock.Instant,
        input: (Int) -> [UInt32]
    ) throws(SecAggError) -> SecAggServerDirective {
        var round = try SecAggLocalRound(config: config, dropouts: dropouts, seed: seed, now: now)
        round.advertiseKeys()
        round.shareKeys()
        round.maskInputs(input)
        round.unmask()
        return round.directive
    }

    /// Stage 1: every client still present advertises its keys.
    public mutating func advertiseKeys() {
        directive = .wait
        for id in present(at: .advertiseKeys, among: Array(clients.keys)) {
            do { directive = try server.onKeys(clients[id]!.publicKeys, now: now) } catch { rejections.append(error) }
        }
        closeAtDeadline(.advertiseKeys)
    }

    /// Stage 2: clients answer their key directories with sealed shares.
    public mutating func shareKeys() {
        guard case .sendKeyDirectories(let directories) = directive else { return }
        directive = .wait
        for id in present(at: .shareKeys, among: Array(directories.keys)) {
            do {
                let upload = try clients[id]!.onKeyDirectory(directories[id]!)
                directive = try server.onShares(upload, now: now)
            } catch { rejections.append(error) }
        }
        closeAtDeadline(.shareKeys)
    }

    /// Stage 3: clients mask their inputs; returns the masked inputs the server received.
    @discardableResult
    public mutating func maskInputs(_ input: (Int) -> [UInt32]) -> [SecAggMaskedInput] {
        guard case .sendShareDeliveries(let deliveries) = directive else { return [] }
        directive = .wait
        var received: [SecAggMaskedInput] = []
        for id in present(at: .maskedInput, among: Array(deliveries.keys)) {
            do {
                let masked = try clients[id]!.onShareDelivery(deliveries[id]!, input: input(id))
                received.append(masked)
                directive = try server.onMaskedInput(masked, now: now)
            } catch { rejections.append(error) }
        }
        closeAtDeadline(.maskedInput)
        return received
    }

    /// Stage 4: contributors reveal their shares and the server unmasks the sum.
    public mutating func unmask() {
        guard case .sendUnmaskRequests(let requests) = directive else { return }
        directive = .wait
        for id in present(at: .unmasking, among: Array(requests.keys)) {
            do {
                let reply = try clients[id]!.onUnmaskRequest(requests[id]!)
                directive = try server.onUnmaskReply(reply, now: now)
            } catch { rejections.append(error) }
        }
        closeAtDeadline(.unmasking)
    }

    /// The clients of `candidates` that have not dropped out by `stage`, ascending.
    private func present(at stage: SecAggServer.Stage, among candidates: [Int]) -> [Int] {
        let order: [SecAggServer.Stage] = [.advertiseKeys, .shareKeys, .maskedInput, .unmasking]
        return candidates.filter { id in
            guard let gone = dropouts[id] else { return true }
            return order.firstIndex(of: gone)! > order.firstIndex(of: stage)!
        }.sorted()
    }

    /// Closes `stage` at its deadline if the server still waits for answers.
    private mutating func closeAtDeadline(_ stage: SecAggServer.Stage) {
        guard directive == .wait, server.stage == stage else { return }
        now = server.deadline
        directive = server.onTick(now: now)
    }
}
