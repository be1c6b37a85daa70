import Learning
import Testing

@testable import Federation

@Suite struct FederatedPerceptronTests {
    /// Points in ±1² labelled by the side of x + 2y − 0.2 = 0, none within 0.1 of it.
    func separable(count: Int, seed: UInt64) -> LabeledData {
        var generator = SeededGenerator(seed: seed)
        var features: [Float] = [], labels: [Int32] = []
        while labels.count < count {
            let x = Float.random(in: -1...1, using: &generator), y = Float.random(in: -1...1, using: &generator)
            let distance = (x + 2 * y - 0.2) / Float(5).squareRoot()
            guard abs(distance) >= 0.1 else { continue }
            features += [x, y]
            labels.append(distance > 0 ? 1 : 0)
        }
        return LabeledData(features: features, labels: labels, featureShape: [2], classCount: 2)
    }

    @Test func fedAvgOfPerceptronDeltasSeparatesEveryClientsData() throws {
        let clients = (0..<3).map { separable(count: 100, seed: UInt64($0) + 1) }
        let learner = PerceptronLearner(inputShape: [2], classes: 2)
        var global = learner.parameters()
        let strategy = FedAvg()
        var rounds = 0
        func allCorrect() throws -> Bool {
            try learner.setParameters(global)
            return clients.allSatisfy { learner.evaluate(on: $0).accuracy == 1 }
        }
        while try !allCorrect(), rounds < 50 {
            rounds += 1
            let updates = try clients.enumerated().map { client, data in
                try learner.setParameters(global)
                let config = TrainingConfig(epochs: 1, batchSize: 1, learningRate: 1, seed: UInt64(rounds * 10 + client))
                let (report, delta) = try learner.learn(from: data, config: config, round: rounds)
                return ClientUpdate(client: client, node: "n", samples: report.samples, trainLoss: report.meanLoss, delta: delta)
            }
            global = strategy.aggregate(global: global, updates: updates)
        }
        #expect(try allCorrect(), "the averaged perceptron separates all clients' data after \(rounds) rounds")
        #expect(rounds < 50)
    }
}
