@testable import Learning
import Testing

/// The delayed-recall task's data and models. Whether each model learns it takes about 10⁴ training
/// sequences, too slow for a debug test: `fedz bench recall` reports that (LSTM against RNN).
extension LearningTests {
    @Suite struct DelayedRecallTests {
        @Test func sequencesOpenWithTheCueFollowedByDistractors() {
            let task = DelayedRecall(lag: 20)
            let data = task.sequences(count: 200, seed: 1)
            #expect(data.featureShape == [21] && data.count == 200 && data.classCount == 4)
            for sample in 0..<data.count {
                let symbols = data.features[(sample * 21)..<((sample + 1) * 21)].map { Int($0) }
                #expect(symbols[0] == Int(data.labels[sample]))
                #expect(symbols.dropFirst().allSatisfy { (4..<8).contains($0) })
            }
            #expect(Set(data.labels).count == 4, "every cue occurs")
            #expect(task.sequences(count: 200, seed: 1).features == data.features, "seeded")
        }

        @Test(arguments: DelayedRecall.Recurrent.allCases) func modelsAnswerWithOneCuePerSequence(recurrent: DelayedRecall.Recurrent) throws {
            let task = DelayedRecall(lag: 20)
            let model = try task.model(recurrent, seed: 1)
            #expect(model.inputShape == [21] && model.outputShape == [4])
            #expect(model.parameterSpecs[3].name == "\(recurrent.rawValue)0.bias")
            // The LSTM's forget gate (the second block of 16) starts open at 3; everything else at 0.
            let bias = model.parameters()[3].values
            #expect(bias.enumerated().allSatisfy { $1 == (recurrent == .lstm && $0 / 16 == 1 ? 3 : 0) })
            let accuracy = try task.accuracy(of: recurrent, trainingSamples: 40, config: TrainingConfig(
                epochs: 1, batchSize: 20, learningRate: 0.5, seed: 1, momentum: 0.9), seed: 1)
            #expect((0...1).contains(accuracy))
        }
    }
}
