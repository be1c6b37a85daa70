import Federation
import Learning
import Testing

/// A round's aggregation as one value: the strategy for plain updates, DP-FedAvg in its place
/// under privacy, with the server state carried from round to round.
@Suite struct RoundAggregationTests {
    static let global = [Tensor(shape: [2], values: [1, 1])]

    static func update(_ client: Int, samples: Int, _ values: [Float]) -> ClientUpdate {
        ClientUpdate(client: client, node: "node-0", samples: samples, trainLoss: 0, delta: [Tensor(shape: [2], values: values)])
    }

    @Test func plainUpdatesTakeTheStrategysStep() throws {
        var aggregation = RoundAggregation(strategy: try StrategySpec(name: "fedavg").make(), privacy: nil)
        var random = CryptoRandom()
        let next = aggregation.next(
            from: Self.global, .updates([Self.update(0, samples: 1, [3, 4]), Self.update(1, samples: 3, [0, 0.5])]),
            expectedClients: 2, random: &random)
        // (1·[3, 4] + 3·[0, 0.5]) / 4 = [0.75, 1.375]
        #expect(next?.first?.values == [1.75, 2.375])
    }

    @Test func underPrivacyClippedDeltasAreSummedAndDividedByTheExpectedClients() throws {
        var aggregation = RoundAggregation(
            strategy: try StrategySpec(name: "fedavgm").make(), privacy: DifferentialPrivacy(clippingNorm: 1, noiseMultiplier: 0))
        var random = CryptoRandom()
        let next = try #require(aggregation.next(
            from: Self.global, .updates([Self.update(0, samples: 1, [3, 4]), Self.update(1, samples: 3, [0, 0.5])]),
            expectedClients: 4, random: &random))
        // [3, 4] clipped to norm 1 is [0.6, 0.8]; unweighted sum [0.6, 1.3] over C·K = 4.
        for (value, expected) in zip(next[0].values, [Float(1.15), 1.325]) { #expect(abs(value - expected) < 1e-6) }
    }

    @Test func theStrategysServerStateIsCarriedFromRoundToRound() throws {
        var aggregation = RoundAggregation(strategy: try StrategySpec(name: "fedavgm").make(), privacy: nil)
        var random = CryptoRandom()
        let first = try #require(aggregation.next(
            from: Self.global, .updates([Self.update(0, samples: 1, [1, 1])]), expectedClients: 1, random: &random))
        let second = try #require(aggregation.next(
            from: first, .updates([Self.update(0, samples: 1, [1, 1])]), expectedClients: 1, random: &random))
        // With momentum the second identical step is longer than the first.
        #expect(second[0].values[0] - first[0].values[0] > first[0].values[0] - Self.global[0].values[0])
        let state = try #require(aggregation.strategy.serverState)
        var restored = RoundAggregation(strategy: try StrategySpec(name: "fedavgm").make(), privacy: nil)
        try restored.restore(state, global: second)
        #expect(restored.strategy.serverState == state)
    }
}
