@testable import Learning
import Testing

extension LearningTests {
    @Suite struct ModelTests {
        @Test func mlpHasTheFedAvgShape() throws {
            let model = try ModelZoo.make("mlp", seed: 1)
            #expect(model.parameterCount == 199_210)
            #expect(model.inputShape == [28, 28])
            #expect(model.outputShape == [10])
            #expect(model.parameterSpecs == [
                ParameterSpec(name: "dense0.weight", shape: [784, 200]),
                ParameterSpec(name: "dense0.bias", shape: [200]),
                ParameterSpec(name: "dense1.weight", shape: [200, 200]),
                ParameterSpec(name: "dense1.bias", shape: [200]),
                ParameterSpec(name: "dense2.weight", shape: [200, 10]),
                ParameterSpec(name: "dense2.bias", shape: [10]),
            ])
            #expect(model.parameters().map(\.shape) == model.parameterSpecs.map(\.shape))
            #expect(ModelZoo.sequentialNames == ["mlp", "cnn", "lenet5", "char-lstm", "rnn-lm"])
            #expect(ModelZoo.names == ModelZoo.sequentialNames + ["perceptron", "som", "competitive"])
        }

        @Test func initialisationIsSeededAndScaled() throws {
            let a = try ModelZoo.make("mlp", seed: 7).parameters()
            #expect(a == (try ModelZoo.make("mlp", seed: 7).parameters()))
            #expect(a != (try ModelZoo.make("mlp", seed: 8).parameters()))
            let heLimit = (6 / Float(784)).squareRoot()
            #expect(a[0].values.allSatisfy { abs($0) <= heLimit })
            #expect(a[0].values.contains { abs($0) > heLimit * 0.9 })
            #expect(a[1].values.allSatisfy { $0 == 0 })
            let glorotLimit = (6 / Float(210)).squareRoot()
            #expect(a[4].values.allSatisfy { abs($0) <= glorotLimit })
        }

        @Test func unknownModelIsRejected() {
            #expect(throws: LearningError(.unknownModel(name: "cnn9", known: ModelZoo.sequentialNames))) {
                try ModelZoo.make("cnn9", seed: 0)
            }
            #expect(throws: LearningError(.unknownModel(name: "som", known: ModelZoo.sequentialNames))) {
                try ModelZoo.make("som", seed: 0)
            }
            #expect(throws: LearningError(.unknownModel(name: "cnn9", known: ModelZoo.names))) {
                try ModelZoo.learner("cnn9", seed: 0)
            }
        }

        @Test func setParametersRoundTripsAndValidates() throws {
            let model = try ModelZoo.make("mlp", seed: 1)
            let other = try ModelZoo.make("mlp", seed: 2).parameters()
            try model.setParameters(other)
            #expect(model.parameters() == other)

            #expect(throws: LearningError(.parameterCount(expected: 6, actual: 5))) {
                try model.setParameters(Array(other.dropLast()))
            }
            var wrongShape = other
            wrongShape[2] = Tensor(zeros: [200, 199])
            #expect(throws: LearningError(.parameterShape(name: "dense1.weight", expected: [200, 200],
                                                          actual: [200, 199]))) {
                try model.setParameters(wrongShape)
            }
            var withNaN = other
            withNaN[3].values[17] = .nan
            #expect(throws: LearningError(.nonFiniteParameter(name: "dense1.bias", index: 17))) {
                try model.setParameters(withNaN)
            }
            var withInfinity = other
            withInfinity[5].values[0] = -.infinity
            #expect(throws: LearningError.self) { try model.setParameters(withInfinity) }
            // Rejected calls leave the model untouched.
            #expect(model.parameters() == other)
        }

        @Test func predictGivesLogitsPerSample() throws {
            let model = try ModelZoo.make("mlp", seed: 3)
            var generator = SeededGenerator(seed: 3)
            let batch = Fixtures.randomTensor([4, 28, 28], generator: &generator)
            let logits = model.predict(batch)
            #expect(logits.shape == [4, 10])
            let first = model.predict(Tensor(shape: [28, 28], values: Array(batch.values[0..<784])))
            #expect(first.shape == [1, 10])
            for j in 0..<10 { #expect(abs(first.values[j] - logits.values[j]) <= 1e-5) }
            // An earlier result is not changed by later calls.
            #expect(model.predict(batch) == logits)
        }

        @Test func incompatibleLayersAreRejected() {
            var generator = SeededGenerator(seed: 0)
            #expect(throws: LearningError(.incompatibleShape(layer: "dense1", inputShape: [4]))) {
                try Sequential(inputShape: [3], layers: [
                    Dense(inputs: 3, outputs: 4, initialization: .heUniform, generator: &generator),
                    Dense(inputs: 5, outputs: 2, initialization: .heUniform, generator: &generator),
                ])
            }
        }

        @Test func tensorBasics() {
            let zeros = Tensor(zeros: [2, 3])
            #expect(zeros.count == 6 && zeros.values.allSatisfy { $0 == 0 })
            #expect(Tensor(shape: [2], values: [1, 2]) != Tensor(shape: [1, 2], values: [1, 2]))
        }

        @Test func seededGeneratorIsDeterministic() {
            var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
            let first = (0..<8).map { _ in a.next() }
            #expect(first == (0..<8).map { _ in b.next() })
            #expect(first != (0..<8).map { _ in c.next() })
            #expect(Set(first).count == 8)
        }
    }
}
