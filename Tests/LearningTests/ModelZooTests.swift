@testable import Learning
import Testing

/// The named architectures: sizes, shapes, and the word-level RNN language model learning a sentence.
extension LearningTests {
    @Suite struct ModelZooTests {
        @Test func cnnMatchesTheFedAvgPaper() throws {
            let model = try ModelZoo.make("cnn", seed: 1)
            #expect(model.parameterCount == 1_663_370)
            #expect(model.parameterSpecs.map(\.shape) == [[5, 5, 1, 32], [32], [5, 5, 32, 64], [64], [3136, 512], [512], [512, 10], [10]])
            #expect(model.outputShape == [10])
        }

        @Test func charLSTMShapes() throws {
            let model = try ModelZoo.make("char-lstm", seed: 1)
            #expect(model.inputShape == [80])
            #expect(model.outputShape == [80, 65])
            #expect(model.parameterSpecs.map(\.name) == [
                "embedding0.weight", "lstm0.input_weight", "lstm0.recurrent_weight", "lstm0.bias",
                "lstm1.input_weight", "lstm1.recurrent_weight", "lstm1.bias", "dense0.weight", "dense0.bias"])
            #expect(model.parameterCount == 65 * 8 + (8 + 256 + 1) * 1024 + (256 + 256 + 1) * 1024 + 257 * 65)
        }

        @Test func modelsKnowTheirDataSets() throws {
            #expect(try ModelZoo.dataset(for: "cnn") == .mnist)
            #expect(try ModelZoo.dataset(for: "char-lstm") == .shakespeare)
            #expect(throws: LearningError(.noDataset(model: "rnn-lm"))) { try ModelZoo.dataset(for: "rnn-lm") }
        }

        /// Trained on the repeated sentence, the RNN must use context: "say" follows "you", and
        /// "hello" follows the second "say" (the first is followed by "goodbye").
        @Test func rnnLanguageModelLearnsYouSayGoodbye() throws {
            let words = "you say goodbye and i say hello".split(separator: " ").map(String.init)
            let ids = Dictionary(uniqueKeysWithValues: Array(Set(words)).sorted().enumerated().map { ($1, Int32($0)) })
            let stream = (0..<40).flatMap { _ in words.map { ids[$0]! } }
            let steps = ModelZoo.wordSteps
            // One window per offset in the 7-word cycle.
            let starts = Array(0..<words.count)
            let data = LabeledData(features: starts.flatMap { s in stream[s..<(s + steps)].map(Float.init) },
                                   labels: starts.flatMap { s in stream[(s + 1)...(s + steps)] },
                                   featureShape: [steps], classCount: ModelZoo.wordVocabulary, labelsPerSample: steps)
            let model = try ModelZoo.make("rnn-lm", seed: 5)
            let report = try train(model, on: data, config: TrainingConfig(
                epochs: 150, batchSize: 7, learningRate: 0.5, seed: 5, momentum: 0.9))
            #expect(report.meanLoss.isFinite)
            // "you say goodbye and i say hello you": predictions after each word.
            let sentence = (words + ["you"]).map { Float(ids[$0]!) }
            let logits = model.predict(Tensor(shape: [1, steps], values: sentence))
            let predicted = (0..<steps).map { step in
                let row = logits.values[(step * ModelZoo.wordVocabulary)..<((step + 1) * ModelZoo.wordVocabulary)]
                return Int32(row.indices.max { row[$0] < row[$1] }! - step * ModelZoo.wordVocabulary)
            }
            #expect(predicted[0] == ids["say"], "after 'you'")
            #expect(predicted[1] == ids["goodbye"], "after the first 'say'")
            #expect(predicted[5] == ids["hello"], "after the second 'say'")
            #expect(evaluate(model, on: data).accuracy > 0.9)
        }

        /// Threads split each batch and then each update (momentum, weight decay and a proximal
        /// term included); the result equals one thread's up to summation order, also with a last
        /// batch of two samples, which three threads split between the first two.
        @Test(arguments: [2, 3]) func dataParallelTrainingMatchesOneThread(threads: Int) throws {
            let data = try Fixtures.train().subset(Array(0..<62))
            let config = TrainingConfig(epochs: 1, batchSize: 15, learningRate: 0.05, seed: 3, momentum: 0.5,
                                        weightDecay: 0.01, proximalMu: 0.1)
            let one = try ModelZoo.make("cnn", seed: 2), two = try ModelZoo.make("cnn", seed: 2)
            let reportOne = try train(one, on: data, config: config)
            let reportTwo = try train(two, on: data, config: config, threads: threads)
            #expect(abs(reportOne.meanLoss - reportTwo.meanLoss) < 1e-4)
            for (a, b) in zip(one.parameters(), two.parameters()) {
                let difference = zip(a.values, b.values).map { abs($0 - $1) }.max()!
                #expect(difference < 1e-4)
            }
            #expect(one.parameters() != (try ModelZoo.make("cnn", seed: 2)).parameters())
        }
    }
}
