import Federation
import Testing

/// Under DP the sample is drawn by Poisson sampling from a cryptographic generator, and ε is
/// reported both against an observer of the models and against one who knows the samples.
@Suite struct PrivacyBudgetTests {
    @Test func knownSamplesChargeTheMostSampledClientAtFullCost() {
        // σ = 2: client 7 in all 10 rounds, the others in fewer.
        var budget = PrivacyBudget()
        for round in 0..<10 {
            budget.charge(samplingRate: 0.1, noiseMultiplier: 2, clients: [7] + (round % 2 == 0 ? [3] : []))
        }
        #expect(budget.inclusions == [7: 10, 3: 5])
        // dp-accounting 0.6.0, 10 Gaussian steps at q = 1, σ = 2, δ = 1e-5 (bench/dp_accounting_reference.py).
        let known = budget.epsilonKnownSample(noiseMultiplier: 2, delta: 1e-5)
        #expect(abs(known - 8.079406222420491) <= 1e-9 * known, "\(known)")
        #expect(budget.epsilon(delta: 1e-5) < known / 3, "the amplified ε is far smaller: \(budget.epsilon(delta: 1e-5))")
    }

    @Test func theAmplifiedEpsilonIsTheSubsampledGaussiansAndNothingIsSpentBeforeARound() {
        var budget = PrivacyBudget()
        #expect(budget.epsilonKnownSample(noiseMultiplier: 1, delta: 1e-5) == 0)
        for _ in 0..<20 { budget.charge(samplingRate: 0.1, noiseMultiplier: 1, clients: [Int]()) }
        // dp-accounting 0.6.0: 20 Poisson-sampled Gaussian steps, q = 0.1, σ = 1, δ = 1e-5.
        #expect(abs(budget.epsilon(delta: 1e-5) - 4.224294366910831) <= 1e-9 * 4.3)
    }

    @Test func poissonSamplingIncludesEachClientIndependentlyAtTheRate() {
        let directory = ClientDirectory(nodes: ["node-0": Array(0..<60), "node-1": Array(60..<100)])
        var random = CryptoRandom()
        var counts = [Int](repeating: 0, count: 100)
        var sizes: [Int] = []
        let draws = 4_000
        for _ in 0..<draws {
            let sample = ClientSampler.poisson(directory, rate: 0.1, using: &random)
            #expect(sample["node-0"]?.allSatisfy { (0..<60).contains($0) } ?? true)
            #expect(sample["node-1"]?.allSatisfy { (60..<100).contains($0) } ?? true)
            let clients = sample.values.joined()
            for client in clients { counts[client] += 1 }
            sizes.append(clients.count)
        }
        // Each client's inclusion frequency is within 5 standard errors of 0.1 (σ ≈ 0.0047).
        for count in counts { #expect(abs(Double(count) / Double(draws) - 0.1) < 0.024, "\(count)") }
        // The sample size varies as Binomial(100, 0.1): mean 10, variance 9 — not fixed.
        let mean = Double(sizes.reduce(0, +)) / Double(draws)
        let variance = sizes.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(draws - 1)
        #expect(abs(mean - 10) < 0.25, "mean \(mean)")
        #expect((7.5...10.5).contains(variance), "variance \(variance)")
        #expect((sizes.min() ?? 99) <= 3 && (sizes.max() ?? 0) >= 17, "the size ranges widely: \(sizes.min() ?? 0)…\(sizes.max() ?? 0)")
    }
}
