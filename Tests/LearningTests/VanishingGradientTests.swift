@testable import Learning
import Testing

/// The vanishing-gradient problem, shown: how much a loss at the last step still depends on
/// earlier inputs, for a tanh RNN and an LSTM of the same size on the same sequence.
extension LearningTests {
    @Suite struct VanishingGradientTests {
        /// ‖dLoss/dx_t‖ for every step t of one random sequence, the loss being a random
        /// projection of the last step's hidden state.
        static func inputGradientNorms(_ layer: any Layer, steps: Int, inputs: Int, seed: UInt64) -> [Double] {
            var generator = SeededGenerator(seed: seed)
            let input = Fixtures.randomTensor([4, steps, inputs], generator: &generator)
            var output = Tensor(zeros: [0])
            layer.forward(input, into: &output)
            let hidden = output.shape[2]
            var upstream = Tensor(zeros: output.shape)
            for sample in 0..<4 {
                for j in 0..<hidden {
                    upstream.values[(sample * steps + steps - 1) * hidden + j] = Float.random(in: -1...1, using: &generator)
                }
            }
            var inputGradient = Tensor(zeros: [0])
            layer.backward(input: input, output: output, outputGradient: upstream, inputGradient: &inputGradient,
                           computeInputGradient: true)
            return (0..<steps).map { t in
                var sum = 0.0
                for sample in 0..<4 {
                    for i in 0..<inputs {
                        let g = Double(inputGradient.values[(sample * steps + t) * inputs + i])
                        sum += g * g
                    }
                }
                return sum.squareRoot()
            }
        }

        @Test func rnnGradientsDecayFarFasterThanLSTMGradients() {
            var generator = SeededGenerator(seed: 41)
            let steps = 40
            let rnn = Self.inputGradientNorms(RNN(inputs: 8, hidden: 32, generator: &generator), steps: steps, inputs: 8, seed: 42)
            let lstm = Self.inputGradientNorms(LSTM(inputs: 8, hidden: 32, generator: &generator), steps: steps, inputs: 8, seed: 42)
            // Relative to the last step: how much of the gradient reaches 10, 20 and 39 steps back.
            let rnnRatio = [10, 20, 39].map { rnn[steps - 1 - $0] / rnn[steps - 1] }
            let lstmRatio = [10, 20, 39].map { lstm[steps - 1 - $0] / lstm[steps - 1] }
            #expect(rnnRatio[1] < 1e-3, "RNN 20 steps back: \(rnnRatio)")
            #expect(lstmRatio[1] > 100 * rnnRatio[1], "LSTM \(lstmRatio) vs RNN \(rnnRatio)")
            #expect(lstmRatio[2] > 100 * rnnRatio[2], "LSTM \(lstmRatio) vs RNN \(rnnRatio)")
        }
    }
}
