/// The server's side of a SecAgg+ round as a pure state machine. It relays sealed
/// shares it cannot read, sums masked inputs modulo 2^32, and at unmasking
/// reconstructs the survivors' self masks and the dropped clients' masking keys
/// from t shares each, which leaves exactly the sum of the survivors' inputs.
/// Each stage closes when every expected client answered or at its deadline
/// (`onTick(now:)`); after each, every client whose secrets may be needed must
/// still have ≥ t live clients in its neighbourhood, or the round aborts.
public struct SecAggServer: Sendable {
    /// The stage being collected, or how the round ended.
    public enum Stage: String, Sendable, Codable, Equatable {
        case advertiseKeys = "advertise_keys"
        case shareKeys = "share_keys"
        case maskedInput = "masked_input"
        case unmasking
        case finished
        case aborted
    }

    public let config: SecAggConfig
    public let graph: NeighbourGraph
    public private(set) var stage = Stage.advertiseKeys
    /// When the current stage closes with whoever answered.
    public private(set) var deadline: ContinuousClock.Instant
    /// Clients that advertised keys (U1), with their keys.
    public private(set) var advertised: [Int: SecAggPublicKeys] = [:]
    /// Clients that uploaded their shares (U2).
    public private(set) var shared: Set<Int> = []
    /// Clients whose masked input is in the sum (U3).
    public private(set) var masked: Set<Int> = []
    /// Clients that revealed their shares (U4).
    public private(set) var unmasked: Set<Int> = []
    /// Clients known to be gone (e.g. their node died): a stage closes as soon as
    /// every client it waits for is among them.
    public private(set) var lost: Set<Int> = []

    /// The participants' Shamir points (`SecAggConfig.sharePoints`).
    private let points: [Int: UInt64]
    private var mailbox: [Int: [SecAggEncryptedShare]] = [:]
    private var sum: [UInt32] = []
    private var seedShares: [Int: [ShamirShare]] = [:]
    private var keyShares: [Int: [ShamirShare]] = [:]

    /// A round whose first stage (advertise keys) starts at `now`.
    public init(config: SecAggConfig, now: ContinuousClock.Instant) throws(SecAggError) {
        try config.validate()
        self.config = config
        graph = NeighbourGraph(config: config)
        points = config.sharePoints
        deadline = now + .seconds(config.stageTimeout)
    }

    /// Stage 1: a client's public keys.
    public mutating func onKeys(_ keys: SecAggPublicKeys, now: ContinuousClock.Instant) throws(SecAggError) -> SecAggServerDirective {
        try expect(.advertiseKeys, round: keys.round)
        guard config.participants.contains(keys.client) else {
            throw SecAggError(.unknownParticipant, "client \(keys.client) is not a participant")
        }
        guard advertised[keys.client] == nil else { throw SecAggError(.duplicate, "keys of \(keys.client)") }
        guard keys.encryptionKey.count == 32, keys.maskingKey.count == 32 else {
            throw SecAggError(.badKey, "keys of \(keys.client) are not 32 bytes")
        }
        advertised[keys.client] = keys
        return stageComplete ? closeStage(now: now) : .wait
    }

    /// Stage 2: a client's sealed shares, one for each neighbour in its directory.
    public mutating func onShares(_ upload: SecAggShares, now: ContinuousClock.Instant) throws(SecAggError) -> SecAggServerDirective {
        try expect(.shareKeys, round: upload.round)
        try expectSender(upload.client, among: Set(advertised.keys), answered: shared)
        let expected = recipients(of: upload.client)
        guard upload.shares.allSatisfy({ $0.from == upload.client }), Set(upload.shares.map(\.to)) == expected,
            upload.shares.count == expected.count
        else { throw SecAggError(.malformed, "shares of \(upload.client) are not one per neighbour") }
        for share in upload.shares { mailbox[share.to, default: []].append(share) }
        shared.insert(upload.client)
        return stageComplete ? closeStage(now: now) : .wait
    }

    /// Stage 3: a client's masked input, added to the running sum.
    public mutating func onMaskedInput(_ input: SecAggMaskedInput, now: ContinuousClock.Instant) throws(SecAggError) -> SecAggServerDirective {
        try expect(.maskedInput, round: input.round)
        try expectSender(input.client, among: shared, answered: masked)
        guard input.values.count == config.vectorLength else {
            throw SecAggError(.malformed, "\(input.values.count) values, expected \(config.vectorLength)")
        }
        sum.withUnsafeMutableBufferPointer { total in
            for index in total.indices { total[index] &+= input.values[index] }
        }
        masked.insert(input.client)
        return stageComplete ? closeStage(now: now) : .wait
    }

    /// Stage 4: a contributor's revealed shares, exactly those it was asked for.
    public mutating func onUnmaskReply(_ reply: SecAggUnmaskReply, now: ContinuousClock.Instant) throws(SecAggError) -> SecAggServerDirective {
        try expect(.unmasking, round: reply.round)
        try expectSender(reply.client, among: masked, answered: unmasked)
        let request = unmaskRequest(for: reply.client)
        // The sender contributed a masked input, so it is a participant.
        let point = points[reply.client]!
        guard reply.selfMaskShares.map(\.owner) == request.survivors,
            reply.maskingKeyShares.map(\.owner) == request.dropped,
            (reply.selfMaskShares + reply.maskingKeyShares).allSatisfy({ $0.share.x == point })
        else { throw SecAggError(.malformed, "shares of \(reply.client) are not the ones requested") }
        for revealed in reply.selfMaskShares { seedShares[revealed.owner, default: []].append(revealed.share) }
        for revealed in reply.maskingKeyShares { keyShares[revealed.owner, default: []].append(revealed.share) }
        unmasked.insert(reply.client)
        return stageComplete ? closeStage(now: now) : .wait
    }

    /// Records that `clients` are gone; closes the stage early if it now waits only for lost clients.
    public mutating func onDropout(_ clients: Set<Int>, now: ContinuousClock.Instant) -> SecAggServerDirective {
        guard stage != .finished, stage != .aborted else { return .wait }
        lost.formUnion(clients)
        return stageComplete ? closeStage(now: now) : .wait
    }

    /// The clients the current stage still waits for.
    public var awaited: Set<Int> {
        switch stage {
        case .advertiseKeys: Set(config.participants).subtracting(advertised.keys)
        case .shareKeys: Set(advertised.keys).subtracting(shared)
        case .maskedInput: shared.subtracting(masked)
        case .unmasking: masked.subtracting(unmasked)
        case .finished, .aborted: []
        }
    }

    private var stageComplete: Bool { awaited.isSubset(of: lost) }

    /// Closes the current stage with whoever answered once its deadline has passed.
    public mutating func onTick(now: ContinuousClock.Instant) -> SecAggServerDirective {
        guard now >= deadline, stage != .finished, stage != .aborted else { return .wait }
        return closeStage(now: now)
    }

    private mutating func closeStage(now: ContinuousClock.Instant) -> SecAggServerDirective {
        deadline = now + .seconds(stage == .shareKeys ? config.inputTimeout : config.stageTimeout)
        switch stage {
        case .advertiseKeys:
            let live = Set(advertised.keys)
            if let failure = thresholdFailure(owners: live, live: live) { return abort(failure) }
            stage = .shareKeys
            return .sendKeyDirectories(
                Dictionary(uniqueKeysWithValues: live.map { client in
                    (client, SecAggKeyDirectory(round: config.round, client: client, keys: recipients(of: client).sorted().map { advertised[$0]! }))
                }))
        case .shareKeys:
            if let failure = thresholdFailure(owners: shared, live: shared) { return abort(failure) }
            stage = .maskedInput
            sum = [UInt32](repeating: 0, count: config.vectorLength)
            return .sendShareDeliveries(
                Dictionary(uniqueKeysWithValues: shared.map { client in
                    let shares = (mailbox[client] ?? []).filter { shared.contains($0.from) }.sorted { $0.from < $1.from }
                    return (client, SecAggShares(round: config.round, client: client, shares: shares))
                }))
        case .maskedInput:
            mailbox = [:]
            if let failure = thresholdFailure(owners: shared, live: masked) { return abort(failure) }
            stage = .unmasking
            return .sendUnmaskRequests(Dictionary(uniqueKeysWithValues: masked.map { ($0, unmaskRequest(for: $0)) }))
        case .unmasking:
            return unmaskSum()
        case .finished, .aborted:
            return .wait
        }
    }

    /// Removes the survivors' self masks and the pairwise masks survivors share with
    /// dropped clients; what remains is Σ inputs of the survivors.
    private mutating func unmaskSum() -> SecAggServerDirective {
        var total = sum
        do {
            for client in masked.sorted() {
                let seed = try reconstruct(seedShares[client] ?? [], of: client, "self-mask seed")
                Keystream.accumulate(SecAggCrypto.selfMaskKey(seed: seed, round: config.round), negated: true, into: &total)
            }
            for client in shared.subtracting(masked).sorted() {
                let secret = try reconstruct(keyShares[client] ?? [], of: client, "masking key")
                guard SecAggCrypto.publicKey(of: secret) == advertised[client]!.maskingKey else {
                    return abort("the shares of client \(client)'s masking key do not match its public key")
                }
                for survivor in graph.neighbourhood(of: client).intersection(masked).sorted() {
                    let key = try SecAggCrypto.agreedKey(
                        .pairwiseMask, privateKey: secret, peerPublicKey: advertised[survivor]!.maskingKey,
                        round: config.round)
                    let survivorSubtracted = SecAggCrypto.subtractsPairwiseMask(client: survivor, peer: client)
                    Keystream.accumulate(key, negated: !survivorSubtracted, into: &total)
                }
            }
        } catch {
            return abort(error.description)
        }
        stage = .finished
        sum = []
        return .finished(SecAggSum(values: total, contributors: masked.sorted()))
    }

    private func reconstruct(_ shares: [ShamirShare], of client: Int, _ what: String) throws(SecAggError) -> [UInt8] {
        guard shares.count >= config.threshold else {
            throw SecAggError(
                .tooFewShares, "\(shares.count) shares of client \(client)'s \(what), threshold \(config.threshold)")
        }
        return try ShamirSharing.combine(shares, threshold: config.threshold, byteCount: SecAggCrypto.secretBytes)
    }

    /// The first client (if any) among `owners` with fewer than t live clients in its
    /// neighbourhood: its shares could not all be recovered.
    private func thresholdFailure(owners: Set<Int>, live: Set<Int>) -> String? {
        guard live.count >= config.threshold else {
            return "\(live.count) clients answered, threshold \(config.threshold)"
        }
        for client in owners.sorted() {
            let count = graph.neighbourhood(of: client).intersection(live).count
            if count < config.threshold {
                return "client \(client) has \(count) live clients in its neighbourhood, threshold \(config.threshold)"
            }
        }
        return nil
    }

    private mutating func abort(_ reason: String) -> SecAggServerDirective {
        let ended = SecAggAbort(stage: stage, reason: reason)
        stage = .aborted
        sum = []
        mailbox = [:]
        return .aborted(ended)
    }

    /// The neighbours of `client` that advertised keys: its directory and share recipients.
    private func recipients(of client: Int) -> Set<Int> {
        graph.neighbourhood(of: client).intersection(advertised.keys).subtracting([client])
    }

    private func unmaskRequest(for client: Int) -> SecAggUnmaskRequest {
        let neighbourhood = graph.neighbourhood(of: client)
        return SecAggUnmaskRequest(
            round: config.round, client: client, survivors: neighbourhood.intersection(masked).sorted(),
            dropped: neighbourhood.intersection(shared).subtracting(masked).sorted())
    }

    private func expect(_ expected: Stage, round: Int) throws(SecAggError) {
        guard round == config.round else { throw SecAggError(.wrongRound, "round \(round), this is \(config.round)") }
        guard stage == expected else { throw SecAggError(.wrongStage, "the server is at \(stage.rawValue)") }
    }

    private func expectSender(_ client: Int, among live: Set<Int>, answered: Set<Int>) throws(SecAggError) {
        guard live.contains(client) else { throw SecAggError(.unknownParticipant, "client \(client) is not live") }
        guard !answered.contains(client) else { throw SecAggError(.duplicate, "client \(client) already answered") }
    }
}
