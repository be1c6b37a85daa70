import Learning

/// A strategy by name with every hyper-parameter any strategy takes; `make()` builds the
/// named one and checks the parameters it uses. Defaults follow the strategies' papers
/// (Reddi et al. 2021 for the adaptive ones: β₁ 0.9, β₂ 0.99, τ 10⁻³).
public struct StrategySpec: Sendable, Equatable {
    /// Every name `make()` accepts.
    public static let names = [
        "fedavg", "fedsgd", "fedprox", "fedavgm", "fedadam", "fedyogi", "fedadagrad",
        "median", "trimmed-mean", "krum", "multi-krum", "prototype-merge",
    ]

    public var name: String
    /// η, the server learning rate; nil for the strategy's default (FedAvgM 1.0, adaptive 0.01).
    public var serverLearningRate: Float?
    /// β of FedAvgM (NVFLARE's FedOpt default with η = 1; β = 0.9 over-shoots on Dirichlet(0.3) MNIST).
    public var serverMomentum: Float = 0.6
    /// μ of FedProx.
    public var mu: Float = 0.01
    /// τ of the adaptive strategies.
    public var tau: Float = 1e-3
    /// β₁ of the adaptive strategies.
    public var beta1: Float = 0.9
    /// β₂ of FedAdam and FedYogi.
    public var beta2: Float = 0.99
    /// β of the trimmed mean: the fraction dropped from each end.
    public var trimBeta: Double = 0.2
    /// f of Krum and Multi-Krum: Byzantine updates tolerated per round.
    public var krumByzantine = 2
    /// m of Multi-Krum: deltas averaged; nil for n − f.
    public var krumSelected: Int?
    /// When set, every delta is scaled down to this norm first (composes with any strategy).
    public var clipNorm: NormBound?

    public init(name: String) {
        self.name = name
    }

    /// Whether the named strategy is built to tolerate Byzantine updates (median, trimmed mean, Krum, Multi-Krum).
    public var isByzantineRobust: Bool { ["median", "trimmed-mean", "krum", "multi-krum"].contains(name) }

    /// The strategy this spec names, or an error naming the bad parameter.
    public func make() throws(PlanError) -> any Strategy {
        let strategy = try makeUnbounded()
        guard let clipNorm else { return strategy }
        if case .fixed(let value) = clipNorm {
            try require(value > 0 && value.isFinite, "--clip-norm must be a positive number or 'median'")
        }
        return NormBounded(strategy, bound: clipNorm)
    }

    private func makeUnbounded() throws(PlanError) -> any Strategy {
        if let serverLearningRate {
            try require(serverLearningRate > 0 && serverLearningRate.isFinite, "--server-lr must be a positive number")
        }
        switch name {
        case "fedavg": return FedAvg()
        case "fedsgd": return FedSGD()
        case "fedprox":
            try require(mu >= 0 && mu.isFinite, "--mu must be a number ≥ 0")
            return FedProx(mu: mu)
        case "fedavgm":
            try require((0..<1).contains(serverMomentum), "--server-momentum must be in [0, 1)")
            return FedAvgM(learningRate: serverStep, momentum: serverMomentum)
        case "fedadam", "fedyogi", "fedadagrad":
            try require((0..<1).contains(beta1) && (0..<1).contains(beta2), "--beta1 and --beta2 must be in [0, 1)")
            try require(tau > 0 && tau.isFinite, "--tau must be a positive number")
            let rule = FedAdaptive.Rule(rawValue: String(name.dropFirst(3)))!
            return FedAdaptive(rule: rule, learningRate: serverStep, beta1: beta1, beta2: beta2, tau: tau)
        case "median": return CoordinateMedian()
        case "prototype-merge": return PrototypeMerge()
        case "trimmed-mean":
            try require((0..<0.5).contains(trimBeta), "--trim-beta must be in [0, 0.5)")
            return TrimmedMean(beta: trimBeta)
        case "krum", "multi-krum":
            try require(krumByzantine >= 0, "--krum-f must be ≥ 0")
            if let krumSelected { try require(krumSelected > 0, "--krum-m must be positive") }
            return Krum(byzantine: krumByzantine, selected: name == "krum" ? 1 : krumSelected)
        default:
            throw PlanError("unknown strategy '\(name)'; known: \(Self.names.joined(separator: ", "))")
        }
    }

    /// η in effect: `serverLearningRate`, or 1.0 for FedAvgM and 0.01 for the adaptive strategies.
    public var serverStep: Float { serverLearningRate ?? (name == "fedavgm" ? 1 : 0.01) }

    /// The parameters the named strategy uses, e.g. `server_lr=1.0,server_momentum=0.9`.
    public var parameterSummary: String {
        var fields: [(String, String)] = []
        switch name {
        case "fedprox": fields = [("mu", "\(mu)")]
        case "fedavgm": fields = [("server_lr", "\(serverStep)"), ("server_momentum", "\(serverMomentum)")]
        case "fedadam", "fedyogi", "fedadagrad":
            fields = [("server_lr", "\(serverStep)"), ("beta1", "\(beta1)"), ("tau", "\(tau)")]
            if name != "fedadagrad" { fields.append(("beta2", "\(beta2)")) }
        case "trimmed-mean": fields = [("trim_beta", "\(trimBeta)")]
        case "krum": fields = [("krum_f", "\(krumByzantine)")]
        case "multi-krum": fields = [("krum_f", "\(krumByzantine)"), ("krum_m", krumSelected.map { "\($0)" } ?? "n-f")]
        default: break
        }
        if let clipNorm { fields.append(("clip_norm", "\(clipNorm)")) }
        return fields.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }

    private func require(_ condition: Bool, _ message: String) throws(PlanError) {
        guard condition else { throw PlanError(message) }
    }
}
