import Learning

/// FedAvg (or DP-FedAvg) through a SecAgg+ sum: what a client submits and the next
/// global model the server makes of the unmasked sum. Without privacy a client inputs
/// `[w, w·delta]` with w = samples / sampleTotal, the sample counts being those the
/// coordinator already knows from the hellos; the sum gives Σw·delta / Σw over the
/// clients that made it, so dropouts re-normalise. With privacy every client inputs
/// `[1, clipped delta]` and the server adds the central noise to the sum.
///
/// A prototype model (`mergesPrototypes`) sends statistics, not a delta: a client inputs
/// `[w, statistics / sampleTotal]`, whose values stay within ±max|x| · (the client's share
/// of the round's samples), and the server merges the de-quantised sum × sampleTotal
/// (`PrototypeLearner.merge`), a unit whose summed weight is within the rounding error
/// of 0 keeping its prototype.
public struct SecureFedAvg: Sendable, Equatable {
    public var config: SecAggConfig
    public var sampleTotal: Int
    public var privacy: DifferentialPrivacy?
    /// Whether the inputs are prototype statistics (without privacy).
    public var mergesPrototypes: Bool
    /// Under privacy, the fixed denominator of the noisy average: the expected number of
    /// clients of a Poisson-sampled round (q·K); nil for the configuration's participants.
    public var expectedClients: Double?

    public init(
        config: SecAggConfig, sampleTotal: Int, privacy: DifferentialPrivacy?, mergesPrototypes: Bool = false,
        expectedClients: Double? = nil
    ) {
        precondition(!mergesPrototypes || privacy == nil, "SecureFedAvg: prototype statistics without privacy only")
        self.config = config
        self.sampleTotal = sampleTotal
        self.privacy = privacy
        self.mergesPrototypes = mergesPrototypes
        self.expectedClients = expectedClients
    }

    /// The secure aggregation a round start asks for; nil in a plain round, when it lacks
    /// the sample total its weighting needs, or for prototype statistics under privacy.
    public init?(_ start: RoundStart, mergesPrototypes: Bool = false) {
        guard let config = start.secureAggregation, start.privacy != nil || (start.sampleTotal ?? 0) > 0,
              !mergesPrototypes || start.privacy == nil else { return nil }
        self.init(config: config, sampleTotal: start.sampleTotal ?? 0, privacy: start.privacy, mergesPrototypes: mergesPrototypes)
    }

    /// The quantised input of a client with `samples` samples: its weight, then its
    /// weighted (or privatised) delta, `config.vectorLength` words in all.
    public func input(delta: [Tensor], samples: Int, using random: inout CryptoRandom) -> [UInt32] {
        let weighted: [Float]
        if mergesPrototypes {
            let scale = 1 / Float(sampleTotal)
            weighted = [Float(samples) * scale] + DeltaVector.flatten(delta).map { $0 * scale }
        } else if let privacy {
            weighted = SecAggAveraging.weightedInput(
                delta: DeltaVector.flatten(privacy.privatize(delta: delta, using: &random)), weight: 1)
        } else {
            weighted = SecAggAveraging.weightedInput(
                delta: DeltaVector.flatten(delta), weight: Float(samples) / Float(sampleTotal))
        }
        return SecAggQuantizer(config: config).quantize(weighted, using: &random)
    }

    /// The next global model from the unmasked sum; nil if the weights sum to zero.
    public func aggregate(global: [Tensor], sum: SecAggSum, using random: inout CryptoRandom) -> [Tensor]? {
        let quantizer = SecAggQuantizer(config: config)
        let total = quantizer.dequantize(sum: sum.values, contributors: sum.contributors.count)
        if mergesPrototypes {
            guard let weight = total.first, weight > 0 else { return nil }
            let summed = DeltaVector.unflatten(total.dropFirst().map { $0 * Float(sampleTotal) }, like: global)
            // Each contributor's rounding moves a value by at most one step.
            let noise = Float(quantizer.step) * Float(sum.contributors.count) * Float(sampleTotal)
            return PrototypeLearner.merge(global: global, summedUpdates: summed, minimumWeight: noise)
        }
        if let privacy {
            return privacy.aggregate(
                global: global, sum: Array(total.dropFirst()),
                expectedClients: expectedClients ?? Double(config.participants.count), using: &random)
        }
        return SecAggAveraging.average(ofSum: total).map { DeltaVector.apply($0, to: global) }
    }
}
