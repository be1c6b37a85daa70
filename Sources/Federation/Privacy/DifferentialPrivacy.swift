/// Differentially private federated averaging (DP-FedAvg, McMahan et al. 2018):
/// every client clips its update to L2 norm C (optionally adding local noise), and
/// the server adds N(0, (σC)²) to the sum of clipped updates and divides by the
/// expected number of clients. The accountant charges each round as a sampled
/// Gaussian with rate q and multiplier σ.
public struct DifferentialPrivacy: Codable, Sendable, Equatable {
    /// C: the L2 bound of one client's update.
    public var clippingNorm: Double
    /// σ: central noise std on the sum, in units of C.
    public var noiseMultiplier: Double
    /// Noise std a client adds to its own clipped update, in units of C (0 = none).
    public var localNoiseMultiplier: Double
    /// The δ at which ε is reported.
    public var delta: Double

    public init(clippingNorm: Double, noiseMultiplier: Double, localNoiseMultiplier: Double = 0, delta: Double = 1e-5) {
        self.clippingNorm = clippingNorm
        self.noiseMultiplier = noiseMultiplier
        self.localNoiseMultiplier = localNoiseMultiplier
        self.delta = delta
    }

    /// Client side: the update clipped to norm C, plus local noise if configured.
    public func privatize(update: [Float], using generator: inout some RandomNumberGenerator) -> [Float] {
        GaussianNoise.add(
            to: L2Clipping.clip(update, toNorm: clippingNorm), standardDeviation: localNoiseMultiplier * clippingNorm,
            using: &generator)
    }

    /// Server side: (Σ clipped updates + N(0, (σC)²)) / expectedClients, the fixed
    /// denominator keeping one client's influence at most C / expectedClients.
    public func noisyAverage(
        sum: [Float], expectedClients: Double, using generator: inout some RandomNumberGenerator
    ) -> [Float] {
        precondition(expectedClients > 0, "expected clients must be positive")
        let noisy = GaussianNoise.add(to: sum, standardDeviation: noiseMultiplier * clippingNorm, using: &generator)
        return noisy.map { $0 / Float(expectedClients) }
    }
}
