@testable import Learning
import Foundation
import Testing

/// Finite-difference checks of the convolutional, pooling, reshaping and recurrent layers.
extension LearningTests {
    @Suite struct LayerGradientTests {
        typealias Check = GradientCheckTests

        static func conv(_ cin: Int, _ cout: Int, _ kernel: (Int, Int), stride: Int = 1, padding: Conv2D.Padding,
                         generator: inout SeededGenerator) -> Conv2D {
            let layer = Conv2D(inputChannels: cin, outputChannels: cout, kernel: (kernel.0, kernel.1), stride: stride,
                               padding: padding, generator: &generator)
            for index in 0..<cout { layer.bias.value.values[index] = Float(index) * 0.1 }
            return layer
        }

        @Test func convolutionValidStrideOne() {
            var generator = SeededGenerator(seed: 21)
            let layer = Self.conv(2, 3, (3, 3), padding: .valid, generator: &generator)
            #expect(layer.outputShape(for: [5, 6, 2]) == [3, 4, 3])
            Check.checkLayer(layer, input: Fixtures.randomTensor([2, 5, 6, 2], generator: &generator), generator: &generator)
        }

        @Test func convolutionSameStrideTwoEvenKernel() {
            var generator = SeededGenerator(seed: 22)
            let layer = Self.conv(2, 2, (2, 3), stride: 2, padding: .same, generator: &generator)
            #expect(layer.outputShape(for: [5, 5, 2]) == [3, 3, 2])
            Check.checkLayer(layer, input: Fixtures.randomTensor([2, 5, 5, 2], generator: &generator), generator: &generator)
        }

        @Test func convolutionExplicitPaddingSingleChannel() {
            var generator = SeededGenerator(seed: 23)
            let layer = Self.conv(1, 2, (3, 2), stride: 2, padding: .explicit(rows: 1, columns: 2), generator: &generator)
            #expect(layer.outputShape(for: [4, 4]) == [2, 4, 2])
            #expect(layer.outputShape(for: [4, 4, 2]) == nil)
            Check.checkLayer(layer, input: Fixtures.randomTensor([2, 4, 4], generator: &generator), generator: &generator)
        }

        @Test func convolutionSamePaddingKeepsSizeAndMatchesDirectSum() {
            var generator = SeededGenerator(seed: 24)
            let layer = Self.conv(2, 3, (5, 5), padding: .same, generator: &generator)
            let input = Fixtures.randomTensor([1, 6, 7, 2], generator: &generator)
            var output = Tensor(zeros: [0])
            layer.forward(input, into: &output)
            #expect(output.shape == [1, 6, 7, 3])
            // One output element computed directly: position (0, 6), channel 2, padding 2 on each side.
            var expected = layer.bias.value.values[2]
            for ky in 0..<5 {
                for kx in 0..<5 {
                    let (y, x) = (ky - 2, 6 + kx - 2)
                    guard (0..<6).contains(y), (0..<7).contains(x) else { continue }
                    for c in 0..<2 {
                        expected += input.values[(y * 7 + x) * 2 + c] * layer.weight.value.values[((ky * 5 + kx) * 2 + c) * 3 + 2]
                    }
                }
            }
            #expect(abs(output.values[6 * 3 + 2] - expected) < 1e-5)
        }

        /// A batch larger than one im2col chunk (here one sample per chunk) gives what each sample alone
        /// gives: the same outputs and input gradients, and the sum of the weight and bias gradients.
        @Test func convolutionInChunksMatchesSampleBySample() {
            var generator = SeededGenerator(seed: 35)
            let layer = Self.conv(3, 4, (5, 5), padding: .same, generator: &generator)
            let input = Fixtures.randomTensor([3, 40, 40, 3], generator: &generator)
            let upstream = Fixtures.randomTensor([3, 40, 40, 4], generator: &generator)
            var output = Tensor(zeros: [0]), inputGradient = Tensor(zeros: [0])
            layer.forward(input, into: &output)
            layer.backward(input: input, output: output, outputGradient: upstream, inputGradient: &inputGradient,
                           computeInputGradient: true)
            let (batchWeight, batchBias) = (layer.weight.gradient.values, layer.bias.gradient.values)
            var weightSum = [Float](repeating: 0, count: batchWeight.count), biasSum = [Float](repeating: 0, count: 4)
            let (sampleIn, sampleOut) = (40 * 40 * 3, 40 * 40 * 4)
            for sample in 0..<3 {
                let x = Tensor(shape: [1, 40, 40, 3], values: Array(input.values[(sample * sampleIn)..<((sample + 1) * sampleIn)]))
                let dy = Tensor(shape: [1, 40, 40, 4], values: Array(upstream.values[(sample * sampleOut)..<((sample + 1) * sampleOut)]))
                var y = Tensor(zeros: [0]), dx = Tensor(zeros: [0])
                layer.forward(x, into: &y)
                layer.backward(input: x, output: y, outputGradient: dy, inputGradient: &dx, computeInputGradient: true)
                #expect(y.values == Array(output.values[(sample * sampleOut)..<((sample + 1) * sampleOut)]))
                #expect(dx.values == Array(inputGradient.values[(sample * sampleIn)..<((sample + 1) * sampleIn)]))
                for i in weightSum.indices { weightSum[i] += layer.weight.gradient.values[i] }
                for i in biasSum.indices { biasSum[i] += layer.bias.gradient.values[i] }
            }
            #expect(zip(weightSum, batchWeight).allSatisfy { abs($0 - $1) <= 1e-3 * max(1, abs($1)) })
            #expect(zip(biasSum, batchBias).allSatisfy { abs($0 - $1) <= 1e-3 * max(1, abs($1)) })
        }

        /// Values spaced at least 0.05 apart, so ±epsilon never changes which element is a window's maximum.
        static func distinctValues(_ shape: [Int], generator: inout SeededGenerator) -> Tensor {
            var values = (0..<shape.elementCount).map { Float($0) * 0.05 - 1 }
            values.shuffle(using: &generator)
            return Tensor(shape: shape, values: values)
        }

        @Test func maxPooling() {
            var generator = SeededGenerator(seed: 25)
            let layer = MaxPool2D(size: (2, 2))
            #expect(layer.outputShape(for: [5, 6, 2]) == [2, 3, 2])
            Check.checkLayer(layer, input: Self.distinctValues([2, 5, 6, 2], generator: &generator), generator: &generator)
            let overlapping = MaxPool2D(size: (3, 2), stride: 1)
            Check.checkLayer(overlapping, input: Self.distinctValues([1, 4, 4, 3], generator: &generator), generator: &generator)
            // Eleven channels: eight in vector lanes, three in the scalar tail.
            Check.checkLayer(layer, input: Self.distinctValues([2, 4, 6, 11], generator: &generator), generator: &generator)
        }

        /// Tied windows (all zeros after a ReLU, say) send the whole gradient to their first tap,
        /// once, also where overlapping windows share taps.
        @Test func maxPoolingRoutesTiesToTheFirstTap() {
            let layer = MaxPool2D(size: (2, 2))
            // One sample 2×4, two channels: channel 0 all zeros, channel 1 ties at 3 in the right window.
            let input = Tensor(shape: [1, 2, 4, 2], values: [0, 1, 0, 0, 0, 3, 0, 3,
                                                             0, 0, 0, 2, 0, 1, 0, 3])
            var output = Tensor(zeros: [0]), inputGradient = Tensor(zeros: [0])
            layer.forward(input, into: &output)
            #expect(output.values == [0, 2, 0, 3])
            let outputGradient = Tensor(shape: output.shape, values: [1, 2, 3, 4])
            layer.backward(input: input, output: output, outputGradient: outputGradient,
                           inputGradient: &inputGradient, computeInputGradient: true)
            #expect(inputGradient.values == [1, 0, 0, 0, 3, 4, 0, 0,
                                             0, 0, 0, 2, 0, 0, 0, 0])
            let overlapping = MaxPool2D(size: (2, 2), stride: 1)
            let zeros = Tensor(zeros: [1, 3, 3, 1])
            overlapping.forward(zeros, into: &output)
            overlapping.backward(input: zeros, output: output, outputGradient: Tensor(shape: output.shape, values: [1, 1, 1, 1]),
                                 inputGradient: &inputGradient, computeInputGradient: true)
            #expect(inputGradient.values == [1, 1, 0, 1, 1, 0, 0, 0, 0])
            // The same in vector lanes: nine channels of zeros, each window's gradient on its first tap.
            let wide = Tensor(zeros: [1, 2, 2, 9])
            layer.forward(wide, into: &output)
            layer.backward(input: wide, output: output, outputGradient: Tensor(shape: output.shape, values: (1...9).map(Float.init)),
                           inputGradient: &inputGradient, computeInputGradient: true)
            #expect(inputGradient.values == (1...9).map(Float.init) + [Float](repeating: 0, count: 27))
        }

        @Test func averagePooling() {
            var generator = SeededGenerator(seed: 26)
            let layer = AvgPool2D(size: (3, 2), stride: 2)
            #expect(layer.outputShape(for: [5, 5, 3]) == [2, 2, 3])
            Check.checkLayer(layer, input: Fixtures.randomTensor([2, 5, 5, 3], generator: &generator), generator: &generator)
        }

        @Test func flattenAndLastStep() {
            var generator = SeededGenerator(seed: 27)
            #expect(Flatten().outputShape(for: [3, 4, 2]) == [24])
            Check.checkLayer(Flatten(), input: Fixtures.randomTensor([2, 3, 4, 2], generator: &generator), generator: &generator)
            #expect(LastStep().outputShape(for: [5, 3]) == [3])
            Check.checkLayer(LastStep(), input: Fixtures.randomTensor([2, 5, 3], generator: &generator), generator: &generator)
        }

        @Test func dropoutScalesKeptElementsAndPassesGradientThroughTheMask() {
            let layer = Dropout(rate: 0.25, seed: 28)
            let input = Tensor(shape: [4, 1000], values: [Float](repeating: 2, count: 4000))
            var output = Tensor(zeros: [0])
            layer.forward(input, into: &output)
            #expect(output.values == input.values, "inference passes values through")
            layer.isTraining = true
            layer.forward(input, into: &output)
            let dropped = output.values.filter { $0 == 0 }.count
            #expect(abs(Double(dropped) / 4000 - 0.25) < 0.03)
            #expect(output.values.allSatisfy { $0 == 0 || abs($0 - 2 / 0.75) < 1e-6 })
            var generator = SeededGenerator(seed: 28)
            let upstream = Fixtures.randomTensor([4, 1000], generator: &generator)
            var inputGradient = Tensor(zeros: [0])
            layer.backward(input: input, output: output, outputGradient: upstream, inputGradient: &inputGradient,
                           computeInputGradient: true)
            for index in 0..<4000 {
                #expect(inputGradient.values[index] == upstream.values[index] * output.values[index] / 2)
            }
        }

        @Test func embedding() {
            var generator = SeededGenerator(seed: 29)
            let layer = Embedding(vocabulary: 5, dimensions: 3, generator: &generator)
            #expect(layer.outputShape(for: [4]) == [4, 3])
            // Token 1 appears twice, so its row's gradient sums two positions.
            let input = Tensor(shape: [2, 4], values: [1, 0, 4, 1, 2, 1, 3, 3])
            Check.checkLayer(layer, input: input, checkInput: false, generator: &generator)
        }

        /// tanh and the sigmoid, over a length that leaves a tail past the eight vector lanes.
        @Test(arguments: [Squashing.Function.tanh, .sigmoid]) func squashingActivations(function: Squashing.Function) {
            var generator = SeededGenerator(seed: 31)
            let layer = Squashing(function)
            let input = Fixtures.randomTensor([2, 11], generator: &generator)
            var output = Tensor(zeros: [0])
            layer.forward(input, into: &output)
            let exact = input.values.map { x in function == .tanh ? Float(Foundation.tanh(Double(x))) : Float(1 / (1 + Foundation.exp(-Double(x)))) }
            #expect(zip(output.values, exact).allSatisfy { abs($0 - $1) < 1e-6 })
            Check.checkLayer(layer, input: input, generator: &generator)
        }

        @Test func rnnThroughTime() {
            var generator = SeededGenerator(seed: 30)
            let layer = RNN(inputs: 3, hidden: 4, generator: &generator)
            for index in 0..<4 { layer.bias.value.values[index] = Float(index) * 0.1 - 0.1 }
            #expect(layer.outputShape(for: [5, 3]) == [5, 4])
            Check.checkLayer(layer, input: Fixtures.randomTensor([2, 5, 3], generator: &generator), generator: &generator)
        }

        @Test func lstmThroughTime() {
            var generator = SeededGenerator(seed: 31)
            let layer = LSTM(inputs: 3, hidden: 4, generator: &generator)
            #expect(layer.outputShape(for: [5, 3]) == [5, 4])
            Check.checkLayer(layer, input: Fixtures.randomTensor([2, 5, 3], generator: &generator), generator: &generator)
        }

        /// Hidden 12: the gate activations run eight lanes at a time plus a padded tail of four.
        @Test func lstmThroughTimeWithVectorLanes() {
            var generator = SeededGenerator(seed: 34)
            let layer = LSTM(inputs: 5, hidden: 12, generator: &generator)
            Check.checkLayer(layer, input: Fixtures.randomTensor([3, 4, 5], generator: &generator), generator: &generator)
        }

        /// With truncation k, a loss on the last step reaches only the inputs of its own k-step window.
        @Test(arguments: ["rnn", "lstm"]) func truncatedBackpropagationStopsAtWindowStart(kind: String) {
            var generator = SeededGenerator(seed: 32)
            let layer: any Layer = kind == "rnn"
                ? RNN(inputs: 2, hidden: 3, truncation: 3, generator: &generator)
                : LSTM(inputs: 2, hidden: 3, truncation: 3, generator: &generator)
            let input = Fixtures.randomTensor([1, 7, 2], generator: &generator)
            var output = Tensor(zeros: [0])
            layer.forward(input, into: &output)
            var upstream = Tensor(zeros: output.shape)
            for j in 0..<3 { upstream.values[6 * 3 + j] = 1 }
            var inputGradient = Tensor(zeros: [0])
            layer.backward(input: input, output: output, outputGradient: upstream, inputGradient: &inputGradient,
                           computeInputGradient: true)
            let norms = (0..<7).map { t in inputGradient.values[(t * 2)..<(t * 2 + 2)].map { $0 * $0 }.reduce(0, +) }
            #expect(norms[0..<6].allSatisfy { $0 == 0 }, "window starts at step 6: \(norms)")
            #expect(norms[6] > 0)
        }

        @Test func softmaxCrossEntropyOverSequences() {
            var generator = SeededGenerator(seed: 33)
            // 2 sequences × 3 steps × 4 classes; one label per step, the loss averaged over all 6 steps.
            var logits = Fixtures.randomTensor([2, 3, 4], in: -2...2, generator: &generator)
            let labels: [Int32] = [0, 3, 1, 2, 2, 0]
            let loss = SoftmaxCrossEntropy()
            _ = loss.forward(logits: logits, labels: labels[...])
            loss.backward(labels: labels[...])
            let analytic = loss.gradient
            for index in 0..<logits.count {
                let numeric = Check.numericGradient(logits.values[index], { logits.values[index] = $0 }) {
                    SoftmaxCrossEntropy().forward(logits: logits, labels: labels[...]).lossSum / 6
                }
                Check.expectClose(analytic.values[index], numeric, "logits[\(index)]")
            }
        }

        @Test func sgdMomentumAndWeightDecayFollowPyTorchsRule() {
            let parameter = Parameter(name: "w", value: Tensor(shape: [2], values: [1, -2]))
            let optimizer = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.5, counts: [2])
            var expected: [Float] = [1, -2], velocity: [Float] = [0, 0]
            for step in 0..<3 {
                let gradient: [Float] = [0.5, Float(step)]
                parameter.gradient = Tensor(shape: [2], values: gradient)
                optimizer.step([parameter])
                for i in 0..<2 {
                    let g = gradient[i] + 0.5 * expected[i]
                    velocity[i] = step == 0 ? g : 0.9 * velocity[i] + g
                    expected[i] -= 0.1 * velocity[i]
                }
                for i in 0..<2 { #expect(abs(parameter.value.values[i] - expected[i]) < 1e-6) }
            }
        }
    }
}
