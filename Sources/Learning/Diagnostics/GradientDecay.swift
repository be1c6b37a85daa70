/// The vanishing-gradient problem, measured: how much a loss at the last step of a sequence still
/// depends on each earlier input, for a tanh RNN and an LSTM of the same size on the same sequences.
public enum GradientDecay {
    /// ‖dLoss/dx_t‖ over a batch of 4 random sequences of `steps` steps (inputs uniform in ±1), for
    /// every step t, divided by the last step's: the loss is a random projection of the last step's
    /// hidden state of a fresh `recurrent` layer with `inputs` inputs and `hidden` units (weights and
    /// data from `seed`, the same for both kinds). Entry `steps − 1 − k` is the share reaching k steps back.
    public static func relativeInputGradientNorms(_ recurrent: DelayedRecall.Recurrent, steps: Int, inputs: Int = 8,
                                                  hidden: Int = 32, seed: UInt64) -> [Double] {
        precondition(steps > 0 && inputs > 0 && hidden > 0, "GradientDecay: sizes must be positive")
        var generator = SeededGenerator(seed: seed)
        let layer = recurrent.layer(inputs: inputs, hidden: hidden, generator: &generator)
        var data = SeededGenerator(seed: seed &+ 1)
        let batch = 4
        let input = Tensor(shape: [batch, steps, inputs],
                           values: (0..<(batch * steps * inputs)).map { _ in Float.random(in: -1...1, using: &data) })
        var output = Tensor(zeros: [0])
        layer.forward(input, into: &output)
        var upstream = Tensor(zeros: output.shape)
        for sample in 0..<batch {
            for j in 0..<hidden {
                upstream.values[(sample * steps + steps - 1) * hidden + j] = Float.random(in: -1...1, using: &data)
            }
        }
        var inputGradient = Tensor(zeros: [0])
        layer.backward(input: input, output: output, outputGradient: upstream, inputGradient: &inputGradient,
                       computeInputGradient: true)
        let norms = (0..<steps).map { t in
            var sum = 0.0
            for sample in 0..<batch {
                for i in 0..<inputs {
                    let g = Double(inputGradient.values[(sample * steps + t) * inputs + i])
                    sum += g * g
                }
            }
            return sum.squareRoot()
        }
        return norms.map { $0 / norms[steps - 1] }
    }
}
