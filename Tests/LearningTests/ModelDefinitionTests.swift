import Foundation
@testable import Learning
import Testing

/// Networks described as data: the built-in definitions give the networks `ModelZoo` built before
/// them, shapes are inferred and checked layer by layer, and what is out of bounds is refused
/// with the layer at fault before any weight is allocated.
extension LearningTests {
    @Suite struct ModelDefinitionTests {
        /// Parameter count, sum and sum of squares of every weight at seed 1, as the hand-written
        /// zoo built them before the definitions replaced it (recorded from 7f697b3).
        @Test(arguments: [
            ("mlp", 199_210, 34.10671856626868, 824.8580067492624),
            ("cnn", 1_663_370, 4.455504749901593, 206.8646835272435),
            ("char-lstm", 813_897, 537.4921093434095, 1843.586758309607),
            ("rnn-lm", 103_208, 15.295186940580606, 10920.519133563062),
        ])
        func builtInDefinitionsBuildTheZoosNetworksWeightForWeight(
            name: String, count: Int, sum: Double, squares: Double
        ) throws {
            let values = try ModelZoo.make(name, seed: 1).parameters().flatMap(\.values)
            #expect(values.count == count)
            #expect(abs(values.reduce(0.0) { $0 + Double($1) } - sum) < 1e-9)
            #expect(abs(values.reduce(0.0) { $0 + Double($1) * Double($1) } - squares) < 1e-9)
        }

        @Test func theSequenceModelsMatchTheirDataSets() throws {
            #expect(ModelDefinition.characterLSTM.input == [ModelZoo.characterSteps])
            #expect(ModelDefinition.characterLSTM.layers.first == .embedding(vocabulary: Shakespeare.vocabulary.count, dimensions: 8))
            #expect(ModelDefinition.wordRNN.input == [ModelZoo.wordSteps])
            #expect(ModelDefinition.wordRNN.layers.first == .embedding(vocabulary: ModelZoo.wordVocabulary, dimensions: 32))
        }

        @Test func aClassifiersSamplesAreItsInputAndItsOutputsClassesALanguageModelsText() throws {
            #expect(try ModelZoo.samples(for: "mlp") == .labeled(features: [28, 28], classes: 10))
            #expect(try ModelZoo.samples(for: "perceptron") == .labeled(features: [28, 28], classes: 10))
            let blobs = ModelDefinition(name: "blobs", input: [8], head: .classification, layers: [.dense(outputs: 3)])
            #expect(try ModelZoo.samples(for: ModelZoo.register(blobs)) == .labeled(features: [8], classes: 3))
            #expect(try ModelZoo.samples(for: "rnn-lm") == .text(tokens: .words, steps: 8, vocabulary: 1000))
            #expect(try ModelZoo.samples(for: "char-lstm")
                == .text(tokens: .characters(alphabet: String(decoding: Shakespeare.vocabulary, as: UTF8.self)), steps: 80, vocabulary: 65))
        }

        @Test func describeListsEveryLayersShapeAndParameters() throws {
            let rows = try ModelDefinition.leNet5.describe()
            #expect(rows.map(\.name) == [
                "conv0", "tanh0", "avgpool0", "conv1", "tanh1", "avgpool1", "flatten0", "dense0", "tanh2", "dense1", "tanh3",
                "dense2",
            ])
            #expect(rows.map(\.outputShape) == [
                [28, 28, 6], [28, 28, 6], [14, 14, 6], [10, 10, 16], [10, 10, 16], [5, 5, 16], [400], [120], [120], [84], [84],
                [10],
            ])
            #expect(rows.map(\.parameters) == [156, 0, 0, 2416, 0, 0, 0, 48_120, 0, 10_164, 0, 850])
            let model = try ModelDefinition.leNet5.build(seed: 3)
            #expect(model.parameterCount == 61_706 && model.outputShape == [10])
            #expect(model.parameterSpecs.map(\.name).first == "conv0.weight")
        }

        /// Average pooling and tanh, which no other built-in uses, learn: LeNet-5 on 300 MNIST
        /// images for 2 epochs classifies most of them.
        @Test func leNet5Learns() throws {
            let data = try Fixtures.train().subset(Array(0..<300))
            let model = try ModelZoo.make("lenet5", seed: 4)
            _ = try train(model, on: data, config: TrainingConfig(epochs: 2, batchSize: 10, learningRate: 0.1, seed: 4))
            #expect(evaluate(model, on: data).accuracy > 0.8)
        }

        @Test func aDefinitionTravelsAsJSONUnchanged() throws {
            for definition in ModelDefinition.builtIn.values {
                let decoded = try JSONDecoder().decode(ModelDefinition.self, from: JSONEncoder().encode(definition))
                #expect(decoded == definition)
            }
        }

        static func refusal(_ definition: ModelDefinition) -> LearningError? {
            do {
                _ = try definition.build(seed: 1)
                return nil
            } catch {
                return error
            }
        }

        static func image(_ layers: [LayerDefinition], input: [Int] = [28, 28], head: ModelDefinition.Head = .classification) -> ModelDefinition {
            ModelDefinition(name: "test", input: input, head: head, layers: layers)
        }

        @Test func shapesThatDoNotFitNameTheLayer() {
            let lstmOnAnImage = Self.refusal(Self.image([.flatten, .lstm(hidden: 8), .dense(outputs: 10)]))
            #expect(lstmOnAnImage?.description == "layer 2 (lstm): takes a sequence [steps, features], not [784]")
            let poolTooLarge = Self.refusal(Self.image([.conv2d(filters: 2, kernel: [5, 5]), .maxPool2d(size: [30, 30])]))
            #expect(poolTooLarge?.kind == .modelDefinition(layer: 1, part: "maxpool2d", reason: "cannot take a per-sample input of shape [24, 24, 2]"))
            let embeddingLater = Self.refusal(Self.image([.dense(outputs: 4), .embedding(vocabulary: 4, dimensions: 2)]))
            #expect(embeddingLater?.kind == .modelDefinition(
                layer: 1, part: "embedding",
                reason: "an embedding reads the token ids of the input: it must be the first layer, on an input of [steps]"))
            let noClasses = Self.refusal(Self.image([.conv2d(filters: 2, kernel: [3, 3])]))
            #expect(noClasses?.description
                == "model definition: a classification head needs an output of [classes] with at least 2 classes; the last layer gives [26, 26, 2]")
            let wrongVocabulary = Self.refusal(Self.image(
                [.embedding(vocabulary: 50, dimensions: 4), .rnn(hidden: 8), .dense(outputs: 40)], input: [6], head: .nextToken))
            #expect(wrongVocabulary?.description
                == "model definition: a next-token head needs an output of [steps, vocabulary] = [6, 50]; the last layer gives [6, 40]")
        }

        /// What a hostile or mistaken definition asks for is refused before anything is allocated.
        @Test func sizesOutOfBoundsAreRefusedBeforeAllocation() {
            let huge = Self.refusal(Self.image([.dense(outputs: 65_536), .relu, .dense(outputs: 10)], input: [4096, 4096]))
            #expect(huge?.kind == .modelDefinition(
                layer: 0, part: "dense", reason: "the model would have 1099511693312 parameters, more than 100000000"))
            #expect(Self.refusal(Self.image([.dense(outputs: 0)]))?.description == "layer 1 (dense): outputs must be in 1...65536, not 0")
            #expect(Self.refusal(Self.image([.conv2d(filters: 4, kernel: [3, 3], stride: 0)]))?.description
                == "layer 1 (conv2d): stride must be in 1...64, not 0")
            #expect(Self.refusal(Self.image([.conv2d(filters: 4, kernel: [3])]))?.description
                == "layer 1 (conv2d): kernel must be [height, width], not [3]")
            #expect(Self.refusal(Self.image([.dropout(rate: 1), .dense(outputs: 10)]))?.description
                == "layer 1 (dropout): rate must be in [0, 1), not 1.0")
            #expect(Self.refusal(Self.image([.dropout(rate: .nan), .dense(outputs: 10)]))?.description
                == "layer 1 (dropout): rate must be in [0, 1), not nan")
            #expect(Self.refusal(Self.image([.dense(outputs: 10)], input: [0, 28]))?.description
                == "model definition: input must be 1 to 3 sizes in 1...65536, at most 16777216 values in all; got [0, 28]")
            #expect(Self.refusal(Self.image([]))?.description == "model definition: a model has 1 to 64 layers, not 0")
            #expect(Self.refusal(Self.image(Array(repeating: .relu, count: 65)))?.description
                == "model definition: a model has 1 to 64 layers, not 65")
            let badName = ModelDefinition(name: "a b", input: [4], head: .classification, layers: [.dense(outputs: 2)])
            #expect(Self.refusal(badName)?.description == "model definition: name must be 1 to 64 letters, digits, '.', '_' or '-'")
        }
    }
}
