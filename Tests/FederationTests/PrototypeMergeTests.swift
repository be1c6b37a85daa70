import Learning
import Testing

@testable import Federation

@Suite struct PrototypeMergeTests {
    /// A two-unit, two-feature, two-class prototype model's tensors.
    func tensors(_ prototypes: [Float], weights: [Float], votes: [Float]) -> [Tensor] {
        [Tensor(shape: [2, 2], values: prototypes), Tensor(shape: [2], values: weights), Tensor(shape: [2, 2], values: votes)]
    }

    @Test func sumsThenDividesAndKeepsUnitsNobodyWon() {
        let global = tensors([0, 0, 9, 9], weights: [0, 0], votes: [5, 0, 0, 7])
        let updates = [
            ClientUpdate(client: 1, node: "a", samples: 5, trainLoss: 0, delta: tensors([2, 4, 0, 0], weights: [2, 0], votes: [2, 0, 0, 0])),
            ClientUpdate(client: 2, node: "b", samples: 500, trainLoss: 0, delta: tensors([4, 2, 0, 0], weights: [1, 0], votes: [0, 1, 0, 0])),
        ]
        let next = PrototypeMerge().aggregate(global: global, updates: updates)
        #expect(next[0].values == [2, 2, 9, 9], "unit 0: (2+4, 4+2) / 3; unit 1 kept; sample counts play no part")
        #expect(next[1].values == [3, 0])
        #expect(next[2].values == [2, 1, 0, 7], "unit 0's votes summed, unit 1 (no wins) keeps its own")
    }

    @Test func federatedStatisticsMergeToTheCentralBatchStep() throws {
        let learner = PrototypeLearner(rows: 3, columns: 3, features: 4, classCount: 3,
                                       schedule: MapSchedule(initialRadius: 2, finalRadius: 0.5, steps: 3), spread: 1, seed: 2)
        var generator = SeededGenerator(seed: 3)
        let data = LabeledData(features: (0..<(90 * 4)).map { _ in Float.random(in: -2...2, using: &generator) },
                               labels: (0..<90).map { Int32($0 % 3) }, featureShape: [4], classCount: 3)
        let config = TrainingConfig(epochs: 1, batchSize: 1, learningRate: 1, seed: 1)
        let global = learner.parameters()
        let central = PrototypeLearner.merge(global: global, summedUpdates: try learner.learn(from: data, config: config, round: 2).update)
        let updates = try [0..<20, 20..<55, 55..<90].enumerated().map { client, range in
            try learner.setParameters(global)
            let (report, update) = try learner.learn(from: data.subset(Array(range)), config: config, round: 2)
            return ClientUpdate(client: client, node: "n", samples: report.samples, trainLoss: report.meanLoss, delta: update)
        }
        let federated = PrototypeMerge().aggregate(global: global, updates: updates)
        for (a, b) in zip(central, federated) {
            for (x, y) in zip(a.values, b.values) { #expect(abs(x - y) < 1e-4 * max(1, abs(x))) }
        }
    }

    @Test func isNamedInTheSpec() throws {
        #expect(try StrategySpec(name: "prototype-merge").make().name == "prototype-merge")
    }
}
