import ArgumentParser
import Federation

/// `--secure-aggregation` (SecAgg+) and differential-privacy flags, shared by `fedz run`
/// and `fedz coordinator`.
struct PrivacyOptions: ParsableArguments, Sendable {
    @Flag(help: "Aggregate by SecAgg+: the coordinator learns only the sum of the sampled clients' updates.")
    var secureAggregation = false

    @Option(help: "K: neighbours of each client in the SecAgg+ graph (rounded up to even; all others when fewer).")
    var secaggNeighbours: Int?

    @Option(help: "T: shares that recover a client's secrets, a count or a fraction f ≥ 0.5 of its neighbourhood (t = ⌊f·(K+1)⌋ + 1); more than half the neighbourhood.")
    var secaggThreshold: String?

    @Option(help: "Inputs (weight and weighted delta) are clipped to [−C, C] before quantisation; C ≥ 1.")
    var secaggClip: Float?

    @Option(help: "σ: central Gaussian noise on the sum of clipped updates, in units of --dp-clip (enables differential privacy).")
    var dpNoise: Double?

    @Option(help: "C: L2 norm every client's update is clipped to (differential privacy).")
    var dpClip: Double?

    @Option(help: "Noise each client adds to its own clipped update, in units of --dp-clip (differential privacy).")
    var dpLocalNoise: Double?

    @Option(help: "δ at which ε is reported (differential privacy).")
    var dpDelta: Double?

    static let defaultNeighbours = 14
    static let defaultThreshold = SecAggThreshold.fraction(0.5)
    static let defaultClip: Float = 1
    /// Strategies whose aggregate is the weighted mean of the deltas, which a secure or noisy sum gives.
    static let summableStrategies = ["fedavg", "fedprox", "fedsgd"]

    func validate() throws {
        if !secureAggregation, secaggNeighbours != nil || secaggThreshold != nil || secaggClip != nil {
            throw ValidationError("--secagg-neighbours, --secagg-threshold and --secagg-clip need --secure-aggregation")
        }
        if let secaggNeighbours, secaggNeighbours < 1 { throw ValidationError("--secagg-neighbours must be at least 1") }
        if let secaggThreshold, SecAggThreshold(secaggThreshold) == nil {
            throw ValidationError("--secagg-threshold must be a whole number ≥ 2 or a fraction in (0, 1), not '\(secaggThreshold)'")
        }
        if let threshold = secaggThreshold.flatMap(SecAggThreshold.init) { try Self.checkSafe(threshold, neighbours: secaggNeighbours) }
        if let secaggClip, !(secaggClip >= 1 && secaggClip.isFinite) {
            throw ValidationError("--secagg-clip must be at least 1: a client's weight (at most 1) travels in the clipped vector")
        }
        if dpNoise == nil, dpClip != nil || dpLocalNoise != nil || dpDelta != nil {
            throw ValidationError("--dp-clip, --dp-local-noise and --dp-delta need --dp-noise")
        }
        if let dpNoise, !(dpNoise > 0 && dpNoise.isFinite) { throw ValidationError("--dp-noise must be a positive number") }
        if let dpClip, !(dpClip > 0 && dpClip.isFinite) { throw ValidationError("--dp-clip must be a positive number") }
        if let dpLocalNoise, !(dpLocalNoise >= 0 && dpLocalNoise.isFinite) {
            throw ValidationError("--dp-local-noise must be a number ≥ 0")
        }
        if let dpDelta, !(dpDelta > 0 && dpDelta < 1) { throw ValidationError("--dp-delta must be in (0, 1)") }
    }

    /// Refuses a threshold of half a neighbourhood or less, with which a coordinator that
    /// deviates from the protocol gathers both secrets of a client (`SecAggConfig.minimumSafeThreshold`).
    static func checkSafe(_ threshold: SecAggThreshold, neighbours: Int?) throws {
        let requested = neighbours ?? defaultNeighbours
        let size = requested + requested % 2 + 1
        switch threshold {
        case .fraction(let fraction) where fraction < 0.5:
            throw ValidationError("--secagg-threshold \(fraction) is half a neighbourhood or less; use a fraction ≥ 0.5")
        case .count(let count) where count < SecAggConfig.minimumSafeThreshold(neighbourhoodSize: size):
            throw ValidationError(
                "--secagg-threshold \(count) is half a neighbourhood of \(size) or less; use at least "
                    + "\(SecAggConfig.minimumSafeThreshold(neighbourhoodSize: size))")
        default:
            break
        }
    }

    /// Checks that `strategy` aggregates by a (weighted) sum, which is all a secure or noisy sum gives.
    func validate(strategy: StrategySpec) throws {
        guard secureAggregation || privacy != nil else { return }
        guard Self.summableStrategies.contains(strategy.name), strategy.clipNorm == nil else {
            throw ValidationError(
                "--secure-aggregation and --dp-noise need a strategy that averages updates (\(Self.summableStrategies.joined(separator: ", "))) "
                    + "without --clip-norm, not \(strategy.name)")
        }
    }

    /// SecAgg+ parameters, or nil without `--secure-aggregation`.
    var secureAggregationSettings: SecureAggregationSettings? {
        guard secureAggregation else { return nil }
        return SecureAggregationSettings(
            neighbours: secaggNeighbours ?? Self.defaultNeighbours,
            threshold: secaggThreshold.flatMap(SecAggThreshold.init) ?? Self.defaultThreshold,
            clippingRange: secaggClip ?? Self.defaultClip)
    }

    /// Differential privacy, or nil without `--dp-noise`.
    var privacy: DifferentialPrivacy? {
        dpNoise.map { DifferentialPrivacy(clippingNorm: dpClip ?? 1, noiseMultiplier: $0, localNoiseMultiplier: dpLocalNoise ?? 0, delta: dpDelta ?? 1e-5) }
    }

    /// These options as command-line arguments, to hand them on to a child process.
    var arguments: [String] {
        let options: [(String, String?)] = [
            ("--secagg-neighbours", secaggNeighbours.map(String.init)), ("--secagg-threshold", secaggThreshold),
            ("--secagg-clip", secaggClip.map { "\($0)" }), ("--dp-noise", dpNoise.map { "\($0)" }),
            ("--dp-clip", dpClip.map { "\($0)" }), ("--dp-local-noise", dpLocalNoise.map { "\($0)" }),
            ("--dp-delta", dpDelta.map { "\($0)" }),
        ]
        return (secureAggregation ? ["--secure-aggregation"] : [])
            + options.flatMap { name, value in value.map { [name, $0] } ?? [] }
    }

    /// What the run summary's `config` records of these options.
    var summary: [String: String] {
        let secure = secureAggregationSettings
        let privacy = privacy
        return [
            "secure_aggregation": secure.map { "neighbours=\($0.neighbours),threshold=\($0.threshold),clip=\($0.clippingRange)" } ?? "off",
            "differential_privacy": privacy.map {
                "noise=\($0.noiseMultiplier),clip=\($0.clippingNorm),local_noise=\($0.localNoiseMultiplier),delta=\($0.delta)"
            } ?? "off",
        ]
    }
}
