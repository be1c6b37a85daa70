@testable import Learning
import Testing

extension LearningTests {
    @Suite struct TrainingTests {
        @Test func oneEpochOnATenthOfMNISTReachesEightyFivePercent() throws {
            let trainSet = try Fixtures.train(), test = try Fixtures.test()
            let part = Partitioner.iid(count: trainSet.count, clients: 10, seed: 3)[0]
            let model = try ModelZoo.make("mlp", seed: 3)
            let before = evaluate(model, on: test)
            #expect(before.accuracy < 0.3)

            let config = TrainingConfig(epochs: 1, batchSize: 10, learningRate: 0.05, seed: 3)
            let report = try train(model, on: trainSet.subset(part), config: config)
            #expect(report.samples == 6000)
            #expect(report.steps == 600)
            #expect(report.meanLoss.isFinite && report.meanLoss < before.loss)

            let after = evaluate(model, on: test)
            #expect(after.samples == 10_000)
            #expect(after.accuracy > 0.85)
            #expect(after.loss < before.loss)
        }

        @Test func trainingIsDeterministicAndCountsPartialBatches() throws {
            let data = try Fixtures.train().subset(Array(0..<205))
            let config = TrainingConfig(epochs: 2, batchSize: 50, learningRate: 0.05, seed: 9)
            let first = try ModelZoo.make("mlp", seed: 1)
            let firstReport = try train(first, on: data, config: config)
            let second = try ModelZoo.make("mlp", seed: 1)
            let secondReport = try train(second, on: data, config: config)
            #expect(firstReport == secondReport)
            #expect(firstReport.steps == 10)
            #expect(firstReport.samples == 205)
            #expect(first.parameters() == second.parameters())

            let third = try ModelZoo.make("mlp", seed: 1)
            _ = try train(third, on: data, config: TrainingConfig(epochs: 2, batchSize: 50, learningRate: 0.05, seed: 10))
            #expect(third.parameters() != first.parameters())
        }

        @Test func evaluationIsIndependentOfBatchSize() throws {
            let data = try Fixtures.test().subset(Array(0..<777))
            let model = try ModelZoo.make("mlp", seed: 4)
            let whole = evaluate(model, on: data, batchSize: 1000)
            let batched = evaluate(model, on: data, batchSize: 100)
            #expect(whole.samples == 777 && batched.samples == 777)
            #expect(whole.accuracy == batched.accuracy)
            #expect(abs(whole.loss - batched.loss) < 1e-6)
        }

        @Test func divergenceThrows() throws {
            let data = try Fixtures.train().subset(Array(0..<100))
            let model = try ModelZoo.make("mlp", seed: 1)
            let config = TrainingConfig(epochs: 1, batchSize: 10, learningRate: 1e30, seed: 1)
            let error = #expect(throws: LearningError.self) { try train(model, on: data, config: config) }
            guard case .nonFiniteLoss? = error?.kind else {
                Issue.record("expected nonFiniteLoss, got \(String(describing: error))")
                return
            }
        }

        @Test func badInputsAreRejected() throws {
            let model = try ModelZoo.make("mlp", seed: 1)
            let data = try Fixtures.train().subset(Array(0..<20))
            for config in [TrainingConfig(epochs: -1, batchSize: 10, learningRate: 0.1, seed: 0),
                           TrainingConfig(epochs: 1, batchSize: 0, learningRate: 0.1, seed: 0),
                           TrainingConfig(epochs: 1, batchSize: 10, learningRate: .nan, seed: 0)] {
                #expect(throws: LearningError.self) { try train(model, on: data, config: config) }
            }
            let small = LabeledData(features: [Float](repeating: 0, count: 12), labels: [0, 1, 2],
                                    featureShape: [2, 2], classCount: 3)
            #expect(throws: LearningError(.featureShape(expected: [28, 28], actual: [2, 2]))) {
                try train(model, on: small, config: TrainingConfig(epochs: 1, batchSize: 1, learningRate: 0.1, seed: 0))
            }
            var badLabel = data
            badLabel.labels[5] = 10
            #expect(throws: LearningError(.labelOutOfRange(label: 10, index: 5, classCount: 10))) {
                try train(model, on: badLabel, config: TrainingConfig(epochs: 1, batchSize: 5, learningRate: 0.1, seed: 0))
            }
        }

        @Test func subsetGathersRows() {
            let data = LabeledData(features: (0..<12).map(Float.init), labels: [0, 1, 2], featureShape: [4], classCount: 3)
            let picked = data.subset([2, 0])
            #expect(picked.count == 2)
            #expect(picked.labels == [2, 0])
            #expect(picked.features == [8, 9, 10, 11, 0, 1, 2, 3])
            #expect(picked.featureShape == [4])
        }
    }
}
