import Learning
import Testing

@testable import Federation

@Suite struct ServerOptimizerTests {
    private let global = [Tensor(shape: [2], values: [0, 0])]

    @Test func fedAvgMAccumulatesMomentumAcrossRounds() {
        var strategy = FedAvgM(learningRate: 0.5, momentum: 0.9)
        // Round 1: v = Δ = [2, −4]; x = 0 + 0.5·v = [1, −2].
        let first = strategy.aggregate(global: global, updates: [update(1, delta: [2, -4])])
        #expect(first[0].values == [1, -2])
        // Round 2: Δ = [2, 0]; v = 0.9·[2, −4] + [2, 0] = [3.8, −3.6]; x = [1, −2] + 0.5·v = [2.9, −3.8].
        let second = strategy.aggregate(global: first, updates: [update(1, delta: [2, 0])])
        #expect(close(second[0].values, [2.9, -3.8]))
    }

    @Test func fedAvgMWithoutMomentumAndUnitRateIsFedAvg() {
        var strategy = FedAvgM(learningRate: 1, momentum: 0)
        let updates = [update(1, samples: 1, delta: [4, 0]), update(2, samples: 3, delta: [0, 4])]
        #expect(strategy.aggregate(global: global, updates: updates) == FedAvg().aggregate(global: global, updates: updates))
    }

    /// One step from m = 0, v = τ² on Δ = [0.1, −0.2], η = 1, β₁ = 0.9, β₂ = 0.99, τ = 0.001:
    /// m = 0.1·Δ = [0.01, −0.02] for every rule, and x = m / (√v + τ) with
    /// Adagrad v = τ² + Δ², Adam v = 0.99·τ² + 0.01·Δ², Yogi v = τ² − 0.01·Δ²·sign(τ² − Δ²) = τ² + 0.01·Δ².
    @Test(arguments: FedAdaptive.Rule.allCases)
    func adaptiveFirstStep(rule: FedAdaptive.Rule) {
        var strategy = FedAdaptive(rule: rule, learningRate: 1, beta1: 0.9, beta2: 0.99, tau: 0.001)
        let next = strategy.aggregate(global: global, updates: [update(1, delta: [0.1, -0.2])])
        let expected = [(0.1, 0.01), (-0.2, -0.02)].map { (delta: Double, m: Double) -> Float in
            let square = delta * delta
            let v: Double = switch rule {
            case .adagrad: 1e-6 + square
            case .adam: 0.99e-6 + 0.01 * square
            case .yogi: 1e-6 + 0.01 * square
            }
            return Float(m / (v.squareRoot() + 0.001))
        }
        #expect(close(next[0].values, expected))
        #expect(strategy.name == "fed" + rule.rawValue)
    }

    @Test func yogiShrinksTheSecondMomentTowardsSmallerDeltas() {
        // Round 1 with Δ = 1 then round 2 with Δ = 0: Adam's v decays by β₂, Yogi's only
        // by (1 − β₂)·Δ² = 0, so Yogi keeps v = τ² + 0.01 while Adam has 0.99·(0.99·τ² + 0.01).
        var yogi = FedAdaptive(rule: .yogi, learningRate: 1, beta1: 0.9, beta2: 0.99, tau: 0.001)
        var adam = FedAdaptive(rule: .adam, learningRate: 1, beta1: 0.9, beta2: 0.99, tau: 0.001)
        let one = [Tensor(shape: [1], values: [0])]
        for delta: Float in [1, 0] {
            _ = yogi.aggregate(global: one, updates: [update(1, delta: [delta])])
            _ = adam.aggregate(global: one, updates: [update(1, delta: [delta])])
        }
        #expect(abs(yogi.v[0] - (1e-6 + 0.01)) < 1e-7)
        #expect(abs(adam.v[0] - 0.99 * (0.99e-6 + 0.01)) < 1e-7)
        #expect(abs(yogi.m[0] - 0.09) < 1e-7)
    }

    @Test func adagradKeepsAddingSquaredDeltas() {
        var strategy = FedAdaptive(rule: .adagrad, learningRate: 0.1, beta1: 0, beta2: 0.99, tau: 0.5)
        let one = [Tensor(shape: [1], values: [0])]
        // β₁ = 0: m = Δ. Round 1: v = 0.25 + 9 → x = 0.1·3 / (√9.25 + 0.5).
        let first = strategy.aggregate(global: one, updates: [update(1, delta: [3])])
        #expect(abs(first[0].values[0] - Float(0.3 / (9.25.squareRoot() + 0.5))) < 1e-6)
        // Round 2: v = 9.25 + 16 = 25.25.
        _ = strategy.aggregate(global: first, updates: [update(1, delta: [4])])
        #expect(abs(strategy.v[0] - 25.25) < 1e-5)
    }
}

/// Element-wise equality within 1e-5 relative (or absolute near zero).
func close(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }
}
