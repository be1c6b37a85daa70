@testable import Learning
import Testing

/// The vanishing-gradient problem, shown: how much a loss at the last step still depends on
/// earlier inputs, for a tanh RNN and an LSTM of the same size on the same sequence.
extension LearningTests {
    @Suite struct VanishingGradientTests {
        @Test(arguments: [UInt64(41), 42, 43]) func rnnGradientsDecayFarFasterThanLSTMGradients(seed: UInt64) {
            let steps = 40
            let rnn = GradientDecay.relativeInputGradientNorms(.rnn, steps: steps, seed: seed)
            let lstm = GradientDecay.relativeInputGradientNorms(.lstm, steps: steps, seed: seed)
            #expect(rnn.count == steps && rnn.last == 1 && lstm.last == 1)
            // How much of the gradient reaches 10, 20 and 39 steps back.
            let rnnBack = [10, 20, 39].map { rnn[steps - 1 - $0] }
            let lstmBack = [10, 20, 39].map { lstm[steps - 1 - $0] }
            #expect(rnnBack[1] < 1e-3, "RNN 20 steps back: \(rnnBack)")
            #expect(lstmBack[1] > 100 * rnnBack[1], "LSTM \(lstmBack) vs RNN \(rnnBack)")
            #expect(lstmBack[2] > 100 * rnnBack[2], "LSTM \(lstmBack) vs RNN \(rnnBack)")
        }
    }
}
