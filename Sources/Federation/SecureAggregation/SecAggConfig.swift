import FedzProtocol

/// The parameters of one SecAgg+ round, the same for the server and every client.
public struct SecAggConfig: Codable, Sendable, Equatable {
    public var round: Int
    /// The sampled clients (ids in 0...`maximumClientID`, distinct).
    public var participants: [Int]
    /// Neighbours per client in the communication graph, rounded up to even and
    /// capped at n − 1 (n − 1 is the complete graph of the original SecAgg).
    public var neighbours: Int
    /// Shares that reconstruct a client's secrets. Each client's shares are held by
    /// its neighbourhood (itself and its neighbours), so up to neighbourhood − t of
    /// them may drop out. More than half the neighbourhood (`minimumSafeThreshold`)
    /// unless `allowUnsafeThreshold`.
    public var threshold: Int
    /// Public seed of the random neighbour graph.
    public var graphSeed: UInt64
    /// Inputs are clipped to [−clippingRange, clippingRange] before quantisation.
    public var clippingRange: Float
    /// Length of every client's input vector.
    public var vectorLength: Int
    /// Seconds the key and unmasking stages wait for messages before they close with
    /// whoever answered.
    public var stageTimeout: Double
    /// Seconds the masked-input stage waits: it includes the clients' local training.
    public var inputTimeout: Double
    /// Accepts a threshold of half the neighbourhood or less, which a coordinator that
    /// deviates from the protocol can exploit (see `minimumSafeThreshold`). A local
    /// choice of the party that validates, never sent with the configuration: a client
    /// does not take the coordinator's word for it.
    public var allowUnsafeThreshold = false

    /// The largest client id, 2^31 − 1: ids stay exact as JSON numbers in any language
    /// and fit a signed 32-bit integer.
    public static let maximumClientID = WireBounds.clientID.upperBound

    private enum CodingKeys: String, CodingKey {
        case round, participants, neighbours, threshold, graphSeed, clippingRange, vectorLength, stageTimeout, inputTimeout
    }

    public init(
        round: Int, participants: [Int], neighbours: Int, threshold: Int, graphSeed: UInt64,
        clippingRange: Float, vectorLength: Int, stageTimeout: Double, inputTimeout: Double
    ) {
        self.round = round
        self.participants = participants
        self.neighbours = neighbours
        self.threshold = threshold
        self.graphSeed = graphSeed
        self.clippingRange = clippingRange
        self.vectorLength = vectorLength
        self.stageTimeout = stageTimeout
        self.inputTimeout = inputTimeout
    }

    /// Quantisation levels per client, ⌊(2^32 − 1) / n⌋, so that the sum of n
    /// quantised inputs never wraps around 2^32.
    public var quantizationLevels: UInt32 { UInt32.max / UInt32(max(participants.count, 1)) }

    /// The Shamir evaluation point of each participant: its position 1…n in the sorted
    /// participant list, the same for the server and every client. Positions, unlike
    /// ids, are distinct non-zero field elements whatever the ids: a holder at a point
    /// ≡ 0 (mod 2^61 − 1) would receive the secret itself as its share.
    public var sharePoints: [Int: UInt64] {
        Dictionary(uniqueKeysWithValues: participants.sorted().enumerated().map { ($1, UInt64($0 + 1)) })
    }

    /// The smallest threshold that keeps a client's two secrets apart among a
    /// neighbourhood of `size` holders: a strict majority, ⌊size/2⌋ + 1. With t ≤ size/2
    /// a coordinator that tells some holders a client survived and the others that it
    /// dropped gathers t shares of its self-mask seed and t of its masking key, and
    /// unmasks its input.
    public static func minimumSafeThreshold(neighbourhoodSize size: Int) -> Int { size / 2 + 1 }

    /// Throws `.invalidConfig` unless the parameters make a workable round.
    public func validate() throws(SecAggError) {
        let n = participants.count
        func fail(_ reason: String) throws(SecAggError) { throw SecAggError(.invalidConfig, reason) }
        if n < 2 { try fail("\(n) participants, at least 2 needed") }
        if Set(participants).count != n { try fail("repeated participants") }
        if let id = participants.first(where: { !(0...Self.maximumClientID).contains($0) }) {
            try fail("participant id \(id) outside 0...\(Self.maximumClientID)")
        }
        if neighbours < 1 { try fail("\(neighbours) neighbours, at least 1 needed") }
        let neighbourhood = NeighbourGraph(config: self).neighbourhoodSize
        if threshold < 2 || threshold > neighbourhood {
            try fail("threshold \(threshold) outside 2...\(neighbourhood) (the neighbourhood size)")
        }
        let safe = Self.minimumSafeThreshold(neighbourhoodSize: neighbourhood)
        if threshold < safe, !allowUnsafeThreshold {
            try fail("threshold \(threshold) is at most half a neighbourhood of \(neighbourhood), at least \(safe) needed")
        }
        if !(clippingRange > 0) || !clippingRange.isFinite { try fail("clipping range \(clippingRange)") }
        if vectorLength < 1 { try fail("vector length \(vectorLength)") }
        if !(stageTimeout > 0) || !(inputTimeout > 0) { try fail("timeouts \(stageTimeout), \(inputTimeout)") }
    }
}
