import Learning
import Testing

@testable import Federation

@Suite struct SecurePrototypeMergeTests {
    @Test func aSecureSumOfStatisticsMergesLikeThePlainOne() throws {
        let learner = PrototypeLearner(rows: 2, columns: 3, features: 4, classCount: 3,
                                       schedule: MapSchedule(initialRadius: 1, finalRadius: 0.3, steps: 4), spread: 1, seed: 5)
        var generator = SeededGenerator(seed: 6)
        let data = LabeledData(features: (0..<(100 * 4)).map { _ in Float.random(in: -1...1, using: &generator) },
                               labels: (0..<100).map { Int32($0 % 3) }, featureShape: [4], classCount: 3)
        let global = learner.parameters()
        let config = TrainingConfig(epochs: 1, batchSize: 1, learningRate: 1, seed: 1)
        let updates = try [0..<10, 10..<40, 40..<55, 55..<80, 80..<100].enumerated().map { index, range in
            let (report, statistics) = try learner.learn(from: data.subset(Array(range)), config: config, round: 2)
            return ClientUpdate(client: 10 + 7 * index, node: "n", samples: report.samples, trainLoss: 0, delta: statistics)
        }
        let length = learner.parameterSpecs.reduce(1) { $0 + $1.count }
        let aggregation = SecureFedAvg(
            config: SecureAggregationFixtures.config(clients: updates.count, threshold: 3, length: length),
            sampleTotal: 100, privacy: nil, mergesPrototypes: true)
        var random = CryptoRandom(seed: [UInt8](repeating: 3, count: 32))
        let inputs = Dictionary(uniqueKeysWithValues: updates.map {
            ($0.client, aggregation.input(delta: $0.delta, samples: $0.samples, using: &random))
        })
        guard case .finished(let sum) = try SecureAggregationFixtures.run(aggregation.config, inputs: inputs) else {
            Issue.record("the secure round did not finish")
            return
        }
        let secure = try #require(aggregation.aggregate(global: global, sum: sum, using: &random))
        let plain = PrototypeMerge().aggregate(global: global, updates: updates)
        // Each de-quantised value of the sum is off by at most 5 steps, × 100 samples; prototypes divide by weights ≥ 1.
        for (a, b) in zip(secure, plain) {
            for (x, y) in zip(a.values, b.values) { #expect(abs(x - y) < 1e-3 * max(1, abs(y)), "\(x) vs \(y)") }
        }
        #expect(secure[0] != global[0], "the map moved")
    }
}
