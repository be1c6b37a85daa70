import Testing

@testable import Federation

@Suite struct StrategySpecTests {
    @Test func everyNamedStrategyIsBuiltUnderItsName() throws {
        for name in StrategySpec.names {
            #expect(try StrategySpec(name: name).make().name == name)
        }
        var clipped = StrategySpec(name: "trimmed-mean")
        clipped.clipNorm = .fixed(2)
        #expect(try clipped.make().name == "trimmed-mean+clip")
    }

    @Test func defaultsFollowThePapers() throws {
        let adam = try #require(try StrategySpec(name: "fedadam").make() as? FedAdaptive)
        #expect(adam.beta1 == 0.9 && adam.beta2 == 0.99 && adam.tau == 1e-3 && adam.learningRate == 0.01)
        let momentum = try #require(try StrategySpec(name: "fedavgm").make() as? FedAvgM)
        #expect(momentum.learningRate == 1 && momentum.momentum == 0.6)
        #expect(StrategySpec(name: "fedavgm").parameterSummary == "server_lr=1.0,server_momentum=0.6")
    }

    private static func spec(_ name: String, _ change: (inout StrategySpec) -> Void = { _ in }) -> StrategySpec {
        var spec = StrategySpec(name: name)
        change(&spec)
        return spec
    }

    @Test(arguments: [
        spec("nope"),
        spec("fedprox") { $0.mu = -1 },
        spec("fedavgm") { $0.serverMomentum = 1 },
        spec("fedadam") { $0.tau = 0 },
        spec("fedyogi") { $0.serverLearningRate = .nan },
        spec("trimmed-mean") { $0.trimBeta = 0.5 },
        spec("multi-krum") { $0.krumSelected = 0 },
        spec("fedavg") { $0.clipNorm = .fixed(0) },
    ])
    func badParametersAreRefused(spec: StrategySpec) {
        #expect(throws: PlanError.self) { try spec.make() }
    }
}
