/// What a DP-FedAvg run has spent, from two points of view.
///
/// - Against anyone who sees the released models but not who was sampled (a model's users,
///   the public): each round is a Poisson-subsampled Gaussian at rate q, amplified by the
///   sampling (`epsilon`).
/// - Against a party that also knows each round's sample — the federation's nodes, to whom the
///   round start names the sampled clients: only the rounds a client took part in count, each at
///   full cost, so the client sampled most often bounds everyone (`epsilonKnownSample`).
public struct PrivacyBudget: Codable, Sendable, Equatable {
    public private(set) var accountant: RDPAccountant
    /// Rounds each client has been sampled into.
    public private(set) var inclusions: [Int: Int]

    public init(accountant: RDPAccountant = RDPAccountant(), inclusions: [Int: Int] = [:]) {
        self.accountant = accountant
        self.inclusions = inclusions
    }

    /// Charges a released round that sampled `clients` at rate `samplingRate`.
    public mutating func charge(samplingRate: Double, noiseMultiplier: Double, clients: some Sequence<Int>) {
        accountant.compose(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier)
        for client in clients { inclusions[client, default: 0] += 1 }
    }

    /// ε at `delta` against an observer of the released models.
    public func epsilon(delta: Double) -> Double { accountant.loss(delta: delta).epsilon }

    /// ε at `delta` against an observer who knows every round's sample: the Gaussian mechanism
    /// composed once per round the most-sampled client took part in (0 before any).
    public func epsilonKnownSample(noiseMultiplier: Double, delta: Double) -> Double {
        guard let most = inclusions.values.max(), most > 0 else { return 0 }
        var known = RDPAccountant(orders: accountant.orders)
        known.compose(samplingRate: 1, noiseMultiplier: noiseMultiplier, steps: most)
        return known.loss(delta: delta).epsilon
    }
}
