/// One client's side of a SecAgg+ round (Bonawitz et al. 2017 with the sparse
/// neighbour graph of Bell et al. 2020, semi-honest server), as a pure state machine:
/// each `on…` takes the server's message for the next stage and returns the reply,
/// or throws if the message is invalid, in which case the client takes no further part.
public struct SecAggClient: Sendable {
    /// The last message this client produced.
    public enum Stage: Sendable, Equatable {
        case advertisedKeys, sharedKeys, sentMaskedInput, revealedShares
    }

    /// The pair of shares a holder keeps for one client of its neighbourhood.
    private struct HeldShares: Sendable {
        var seed: ShamirShare
        var key: ShamirShare
    }

    public let id: Int
    public let config: SecAggConfig
    public let graph: NeighbourGraph
    public private(set) var stage = Stage.advertisedKeys
    /// Stage 1's message: this client's public keys.
    public let publicKeys: SecAggPublicKeys

    private var random: CryptoRandom
    /// The participants' Shamir points (`SecAggConfig.sharePoints`).
    private let points: [Int: UInt64]
    private let encryptionSecret: [UInt8]
    private let maskingSecret: [UInt8]
    private let selfMaskSeed: [UInt8]
    private var neighbourKeys: [Int: SecAggPublicKeys] = [:]
    private var held: [Int: HeldShares] = [:]
    /// This client and the neighbours it masked with (those whose shares it received).
    private var maskedWith: Set<Int> = []

    /// A participant of `config`'s round with fresh key pairs and self-mask seed from `random`.
    public init(id: Int, config: SecAggConfig, random: CryptoRandom) throws(SecAggError) {
        try config.validate()
        guard config.participants.contains(id) else {
            throw SecAggError(.unknownParticipant, "client \(id) is not a participant")
        }
        self.id = id
        self.config = config
        graph = NeighbourGraph(config: config)
        points = config.sharePoints
        self.random = random
        encryptionSecret = self.random.bytes(SecAggCrypto.secretBytes)
        maskingSecret = self.random.bytes(SecAggCrypto.secretBytes)
        selfMaskSeed = self.random.bytes(SecAggCrypto.secretBytes)
        publicKeys = SecAggPublicKeys(
            round: config.round, client: id, encryptionKey: SecAggCrypto.publicKey(of: encryptionSecret),
            maskingKey: SecAggCrypto.publicKey(of: maskingSecret))
    }

    /// Stage 2: splits the self-mask seed and masking key among itself and the
    /// neighbours listed, and seals each neighbour's shares for it.
    public mutating func onKeyDirectory(_ directory: SecAggKeyDirectory) throws(SecAggError) -> SecAggShares {
        try expect(.advertisedKeys, round: directory.round, client: directory.client)
        var keys: [Int: SecAggPublicKeys] = [:]
        for entry in directory.keys {
            guard graph.areNeighbours(id, entry.client), entry.round == config.round else {
                throw SecAggError(.unknownParticipant, "key of \(entry.client), not a neighbour of \(id) in this round")
            }
            guard keys.updateValue(entry, forKey: entry.client) == nil else {
                throw SecAggError(.duplicate, "two keys of client \(entry.client)")
            }
        }
        let advertised = [publicKeys] + keys.values
        guard Set(advertised.flatMap { [$0.encryptionKey, $0.maskingKey] }).count == 2 * advertised.count else {
            throw SecAggError(.badKey, "repeated public keys in the directory")
        }
        try requireThreshold(keys.count + 1, "neighbours with keys")
        neighbourKeys = keys
        let holders = [id] + keys.keys.sorted()
        // Every holder is a participant: itself or a neighbour.
        let holderPoints = holders.map { points[$0]! }
        let seedShares = try ShamirSharing.split(selfMaskSeed, threshold: config.threshold, points: holderPoints, using: &random)
        let keyShares = try ShamirSharing.split(maskingSecret, threshold: config.threshold, points: holderPoints, using: &random)
        held[id] = HeldShares(seed: seedShares[0], key: keyShares[0])
        var sealed: [SecAggEncryptedShare] = []
        for (index, holder) in holders.enumerated().dropFirst() {
            let key = try SecAggCrypto.agreedKey(
                .shareEncryption, privateKey: encryptionSecret, peerPublicKey: keys[holder]!.encryptionKey,
                round: config.round)
            sealed.append(
                SecAggCrypto.seal(
                    seedShare: seedShares[index], keyShare: keyShares[index], from: id, to: holder,
                    round: config.round, key: key, using: &random))
        }
        stage = .sharedKeys
        return SecAggShares(round: config.round, client: id, shares: sealed)
    }

    /// Stage 3: keeps the neighbours' shares and masks `input` (quantised, `vectorLength`
    /// words) with its self mask and a pairwise mask per neighbour that shared.
    public mutating func onShareDelivery(
        _ delivery: SecAggShares, input: [UInt32]
    ) throws(SecAggError) -> SecAggMaskedInput {
        try expect(.sharedKeys, round: delivery.round, client: delivery.client)
        guard input.count == config.vectorLength else {
            throw SecAggError(.malformed, "input of \(input.count) values, expected \(config.vectorLength)")
        }
        var received: [Int: HeldShares] = [:]
        for sealed in delivery.shares {
            guard sealed.to == id, let sender = neighbourKeys[sealed.from] else {
                throw SecAggError(.unknownParticipant, "share from \(sealed.from) to \(sealed.to) delivered to \(id)")
            }
            let key = try SecAggCrypto.agreedKey(
                .shareEncryption, privateKey: encryptionSecret, peerPublicKey: sender.encryptionKey, round: config.round)
            let opened = try SecAggCrypto.open(sealed, round: config.round, key: key, x: points[id]!)
            guard received.updateValue(HeldShares(seed: opened.seed, key: opened.key), forKey: sealed.from) == nil else {
                throw SecAggError(.duplicate, "two shares from \(sealed.from)")
            }
        }
        try requireThreshold(received.count + 1, "neighbours that shared")
        held.merge(received) { own, _ in own }
        maskedWith = Set(received.keys).union([id])
        var values = input
        Keystream.accumulate(SecAggCrypto.selfMaskKey(seed: selfMaskSeed, round: config.round), into: &values)
        for peer in maskedWith.subtracting([id]).sorted() {
            let key = try SecAggCrypto.agreedKey(
                .pairwiseMask, privateKey: maskingSecret, peerPublicKey: neighbourKeys[peer]!.maskingKey,
                round: config.round)
            Keystream.accumulate(key, negated: SecAggCrypto.subtractsPairwiseMask(client: id, peer: peer), into: &values)
        }
        stage = .sentMaskedInput
        return SecAggMaskedInput(round: config.round, client: id, values: values)
    }

    /// Stage 4: reveals self-mask-seed shares of the survivors and masking-key shares
    /// of the dropped, after checking that the two lists split exactly the clients
    /// it masked with, so no client's two secrets are ever both revealed.
    public mutating func onUnmaskRequest(_ request: SecAggUnmaskRequest) throws(SecAggError) -> SecAggUnmaskReply {
        try expect(.sentMaskedInput, round: request.round, client: request.client)
        let survivors = Set(request.survivors)
        let dropped = Set(request.dropped)
        guard survivors.isDisjoint(with: dropped), survivors.union(dropped) == maskedWith, survivors.contains(id),
            survivors.count == request.survivors.count, dropped.count == request.dropped.count
        else {
            throw SecAggError(.inconsistentRequest, "survivors and dropped do not split the neighbourhood of \(id)")
        }
        try requireThreshold(survivors.count, "surviving neighbours")
        stage = .revealedShares
        return SecAggUnmaskReply(
            round: config.round, client: id,
            selfMaskShares: survivors.sorted().map { SecAggRevealedShare(owner: $0, share: held[$0]!.seed) },
            maskingKeyShares: dropped.sorted().map { SecAggRevealedShare(owner: $0, share: held[$0]!.key) })
    }

    private func expect(_ expected: Stage, round: Int, client: Int) throws(SecAggError) {
        guard round == config.round else { throw SecAggError(.wrongRound, "round \(round), this is \(config.round)") }
        guard client == id else { throw SecAggError(.unknownParticipant, "message for \(client) given to \(id)") }
        guard stage == expected else { throw SecAggError(.wrongStage, "client \(id) is at \(stage)") }
    }

    private func requireThreshold(_ count: Int, _ what: String) throws(SecAggError) {
        guard count >= config.threshold else {
            throw SecAggError(.tooFewShares, "\(count) \(what) (with itself), threshold \(config.threshold)")
        }
    }
}
