import Learning

/// FedAvg (or DP-FedAvg) through a SecAgg+ sum: what a client submits and the next
/// global model the server makes of the unmasked sum. Without privacy a client inputs
/// `[w, w·delta]` with w = samples / sampleTotal, the sample counts being those the
/// coordinator already knows from the hellos; the sum gives Σw·delta / Σw over the
/// clients that made it, so dropouts re-normalise. With privacy every client inputs
/// `[1, clipped delta]` and the server adds the central noise to the sum.
public struct SecureFedAvg: Sendable, Equatable {
    public var config: SecAggConfig
    public var sampleTotal: Int
    public var privacy: DifferentialPrivacy?

    public init(config: SecAggConfig, sampleTotal: Int, privacy: DifferentialPrivacy?) {
        self.config = config
        self.sampleTotal = sampleTotal
        self.privacy = privacy
    }

    /// The secure aggregation a round start asks for; nil in a plain round or when it
    /// lacks the sample total its weighting needs.
    public init?(_ start: RoundStart) {
        guard let config = start.secureAggregation, start.privacy != nil || (start.sampleTotal ?? 0) > 0 else { return nil }
        self.init(config: config, sampleTotal: start.sampleTotal ?? 0, privacy: start.privacy)
    }

    /// The quantised input of a client with `samples` samples: its weight, then its
    /// weighted (or privatised) delta, `config.vectorLength` words in all.
    public func input(delta: [Tensor], samples: Int, using random: inout CryptoRandom) -> [UInt32] {
        let weighted: [Float]
        if let privacy {
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
        let total = SecAggQuantizer(config: config).dequantize(sum: sum.values, contributors: sum.contributors.count)
        if let privacy {
            return privacy.aggregate(
                global: global, sum: Array(total.dropFirst()), expectedClients: config.participants.count, using: &random)
        }
        return SecAggAveraging.average(ofSum: total).map { DeltaVector.apply($0, to: global) }
    }
}
