@testable import Learning
import Testing

/// Analytic gradients against central finite differences, in Float32 with a Float64 loss.
extension LearningTests {
    @Suite struct GradientCheckTests {
        static let epsilon: Float = 1e-2

        /// Central difference of `loss` with respect to one value, read as `value` and written by `set`.
        static func numericGradient(_ value: Float, _ set: (Float) -> Void, epsilon: Float = epsilon,
                                    _ loss: () -> Double) -> Double {
            set(value + epsilon)
            let plus = loss()
            set(value - epsilon)
            let minus = loss()
            set(value)
            return (plus - minus) / (2 * Double(epsilon))
        }

        static func expectClose(_ analytic: Float, _ numeric: Double, _ what: String,
                                sourceLocation: SourceLocation = #_sourceLocation) {
            let a = Double(analytic)
            // Relative error; below 1e-2 in magnitude, Float32 rounding noise makes it an absolute 1e-4.
            let error = abs(a - numeric) / max(abs(a) + abs(numeric), 1e-2)
            #expect(error < 1e-2, "\(what): analytic \(a), numeric \(numeric)", sourceLocation: sourceLocation)
        }

        /// Checks a layer with loss = Σ output · r for a fixed random r: dLoss/dOutput = r.
        /// `checkInput: false` skips dLoss/dInput (for layers whose input is not differentiable).
        static func checkLayer(_ layer: any Layer, input: Tensor, checkInput: Bool = true,
                               generator: inout SeededGenerator) {
            var output = Tensor(zeros: [0])
            layer.forward(input, into: &output)
            let r = Fixtures.randomTensor(output.shape, generator: &generator)
            var inputGradient = Tensor(zeros: [0])
            layer.backward(input: input, output: output, outputGradient: r,
                           inputGradient: &inputGradient, computeInputGradient: true)
            var x = input
            func loss() -> Double {
                var y = Tensor(zeros: [0])
                layer.forward(x, into: &y)
                return zip(y.values, r.values).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            for parameter in layer.parameters {
                let analytic = parameter.gradient
                for index in 0..<parameter.value.count {
                    let numeric = numericGradient(parameter.value.values[index], { parameter.value.values[index] = $0 }, loss)
                    expectClose(analytic.values[index], numeric, "\(layer.kind).\(parameter.name)[\(index)]")
                }
            }
            #expect(inputGradient.shape == input.shape)
            guard checkInput else { return }
            for index in 0..<x.count {
                let numeric = numericGradient(x.values[index], { x.values[index] = $0 }, loss)
                expectClose(inputGradient.values[index], numeric, "\(layer.kind) input[\(index)]")
            }
        }

        @Test func dense() {
            var generator = SeededGenerator(seed: 11)
            let layer = Dense(inputs: 5, outputs: 4, initialization: .heUniform, generator: &generator)
            for index in 0..<4 { layer.bias.value.values[index] = Float(index) * 0.1 - 0.2 }
            let input = Fixtures.randomTensor([3, 5], generator: &generator)
            Self.checkLayer(layer, input: input, generator: &generator)
        }

        @Test func relu() {
            var generator = SeededGenerator(seed: 12)
            // Keep inputs at least 0.1 from the kink so ±epsilon never crosses it.
            let magnitudes = Fixtures.randomTensor([4, 6], in: 0.1...1, generator: &generator)
            let input = Tensor(shape: [4, 6], values: magnitudes.values.enumerated().map { $0.offset % 3 == 0 ? -$0.element : $0.element })
            Self.checkLayer(ReLU(), input: input, generator: &generator)
        }

        @Test func softmaxCrossEntropy() {
            var generator = SeededGenerator(seed: 13)
            var logits = Fixtures.randomTensor([4, 5], in: -2...2, generator: &generator)
            let labels: [Int32] = [0, 4, 2, 2]
            let loss = SoftmaxCrossEntropy()
            _ = loss.forward(logits: logits, labels: labels[...])
            loss.backward(labels: labels[...])
            let analytic = loss.gradient
            #expect(analytic.shape == [4, 5])
            for index in 0..<logits.count {
                let numeric = Self.numericGradient(logits.values[index], { logits.values[index] = $0 }) {
                    SoftmaxCrossEntropy().forward(logits: logits, labels: labels[...]).lossSum / 4
                }
                Self.expectClose(analytic.values[index], numeric, "logits[\(index)]")
            }
        }

        /// Whole-model gradient of the mean loss; `parameterIndices` picks which entries to check.
        /// A smaller step keeps every ReLU input on its side of the kink.
        static func checkModel(_ model: Sequential, input: Tensor, labels: [Int32],
                               parameterIndices: (Parameter) -> [Int]) {
            let loss = SoftmaxCrossEntropy()
            func meanLoss() -> Double {
                model.forward(batch: labels.count) { _ = $0.update(fromContentsOf: input.values) }
                return loss.forward(logits: model.output, labels: labels[...]).lossSum / Double(labels.count)
            }
            _ = meanLoss()
            loss.backward(labels: labels[...])
            model.backward(outputGradient: loss.gradient)
            let analytic = model.trainable.map(\.gradient)
            for (spec, (parameter, gradient)) in zip(model.parameterSpecs, zip(model.trainable, analytic)) {
                for index in parameterIndices(parameter) {
                    let numeric = numericGradient(parameter.value.values[index], { parameter.value.values[index] = $0 },
                                                  epsilon: 1e-3, meanLoss)
                    expectClose(gradient.values[index], numeric, "\(spec.name)[\(index)]")
                }
            }
        }

        @Test func smallMLPAllParameters() throws {
            var generator = SeededGenerator(seed: 14)
            let model = try Sequential(inputShape: [6], layers: [
                Dense(inputs: 6, outputs: 5, initialization: .heUniform, generator: &generator), ReLU(),
                Dense(inputs: 5, outputs: 4, initialization: .heUniform, generator: &generator), ReLU(),
                Dense(inputs: 4, outputs: 3, initialization: .glorotUniform, generator: &generator),
            ])
            let input = Fixtures.randomTensor([4, 6], generator: &generator)
            Self.checkModel(model, input: input, labels: [0, 2, 1, 2]) { Array(0..<$0.value.count) }
        }

        @Test func fullMLPLargestGradients() throws {
            var generator = SeededGenerator(seed: 15)
            let model = try ModelZoo.make("mlp", seed: 15)
            let input = Fixtures.randomTensor([3, 28, 28], generator: &generator)
            // The three entries of each tensor with the largest gradient, where the check is well conditioned.
            Self.checkModel(model, input: input, labels: [3, 7, 1]) { parameter in
                let gradient = parameter.gradient.values
                return Array(gradient.indices.sorted { abs(gradient[$0]) > abs(gradient[$1]) }.prefix(3))
            }
        }
    }
}
