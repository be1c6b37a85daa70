import ArgumentParser
import Federation

/// The hyper-parameters of `--strategy`; each applies only to the strategies that use it.
struct StrategyFlags: ParsableArguments, Sendable {
    @Option(help: "Server learning rate η (fedavgm, fedadam, fedyogi, fedadagrad; default 1.0 for fedavgm, 0.01 adaptive).")
    var serverLr: Float?

    @Option(help: "Server momentum β (fedavgm).")
    var serverMomentum: Float = 0.6

    @Option(help: "Proximal strength μ of the nodes' local objective (fedprox).")
    var mu: Float = 0.01

    @Option(help: "Adaptivity τ (fedadam, fedyogi, fedadagrad).")
    var tau: Float = 1e-3

    @Option(help: "First-moment decay β₁ (fedadam, fedyogi, fedadagrad).")
    var beta1: Float = 0.9

    @Option(help: "Second-moment decay β₂ (fedadam, fedyogi).")
    var beta2: Float = 0.99

    @Option(help: "Fraction trimmed from each end, in [0, 0.5) (trimmed-mean).")
    var trimBeta = 0.2

    @Option(help: "Byzantine updates tolerated per round f (krum, multi-krum).")
    var krumF = 2

    @Option(help: "Updates averaged m (multi-krum; default n − f).")
    var krumM: Int?

    @Option(help: ArgumentHelp(
        "Scale every update down to this Euclidean norm before aggregating (any strategy).",
        discussion: "A number, or 'median': the median norm of the round's updates.", valueName: "norm|median"))
    var clipNorm: NormBound?

    /// The spec of strategy `name` with these parameters.
    func spec(name: String) -> StrategySpec {
        var spec = StrategySpec(name: name)
        spec.serverLearningRate = serverLr
        spec.serverMomentum = serverMomentum
        spec.mu = mu
        spec.tau = tau
        spec.beta1 = beta1
        spec.beta2 = beta2
        spec.trimBeta = trimBeta
        spec.krumByzantine = krumF
        spec.krumSelected = krumM
        spec.clipNorm = clipNorm
        return spec
    }

    /// These options as command-line arguments, to hand them on to a child process.
    var arguments: [String] {
        [
            "--server-momentum", "\(serverMomentum)", "--mu", "\(mu)", "--tau", "\(tau)", "--beta1", "\(beta1)",
            "--beta2", "\(beta2)", "--trim-beta", "\(trimBeta)", "--krum-f", "\(krumF)",
        ] + (serverLr.map { ["--server-lr", "\($0)"] } ?? []) + (krumM.map { ["--krum-m", "\($0)"] } ?? [])
            + (clipNorm.map { ["--clip-norm", "\($0)"] } ?? [])
    }
}

extension NormBound: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
}
