import Foundation

/// Vanilla recurrent layer over [steps, inputs] samples, giving every step's hidden state
/// [steps, hidden]: h_t = tanh(x_t·inputWeight + h_{t−1}·recurrentWeight + bias), h_{−1} = 0.
/// Trained by backpropagation through time; with `truncation` k, gradients stop flowing from
/// step t to t − 1 whenever t is a multiple of k.
final class RNN: Layer {
    let kind = "rnn"
    let inputs: Int
    let hidden: Int
    let truncation: Int?
    let inputWeight: Parameter
    let recurrentWeight: Parameter
    let bias: Parameter
    var parameters: [Parameter] { [inputWeight, recurrentWeight, bias] }
    /// dLoss/d(pre-activation) of the last backward, [batch, steps, hidden].
    private var dz = Tensor(zeros: [0])

    /// Weights uniform in ±1/sqrt(hidden), zero bias.
    init<G: RandomNumberGenerator>(inputs: Int, hidden: Int, truncation: Int? = nil, generator: inout G) {
        precondition(inputs > 0 && hidden > 0 && (truncation ?? 1) > 0, "RNN: sizes must be positive")
        self.inputs = inputs
        self.hidden = hidden
        self.truncation = truncation
        inputWeight = Parameter(name: "input_weight", value: RecurrentInitialization.weights(
            rows: inputs, columns: hidden, hidden: hidden, generator: &generator))
        recurrentWeight = Parameter(name: "recurrent_weight", value: RecurrentInitialization.weights(
            rows: hidden, columns: hidden, hidden: hidden, generator: &generator))
        bias = Parameter(name: "bias", value: Tensor(zeros: [hidden]))
    }

    private init(replicating other: RNN) {
        (inputs, hidden, truncation) = (other.inputs, other.hidden, other.truncation)
        inputWeight = other.inputWeight.replica()
        recurrentWeight = other.recurrentWeight.replica()
        bias = other.bias.replica()
    }

    func replica() -> any Layer { RNN(replicating: self) }

    func outputShape(for inputShape: [Int]) -> [Int]? {
        inputShape.count == 2 && inputShape[1] == inputs && inputShape[0] > 0 ? [inputShape[0], hidden] : nil
    }

    func forward(_ input: Tensor, into output: inout Tensor) {
        let (batch, steps, hidden) = (input.shape[0], input.shape[1], hidden)
        output.resize(to: [batch, steps, hidden])
        Recurrence.project(input, inputWeight: inputWeight, bias: bias, into: &output,
                           rows: batch * steps, inputs: inputs, width: hidden)
        recurrentWeight.value.values.withUnsafeBufferPointer { w in
            output.values.withUnsafeMutableBufferPointer { h in
                let h = h.baseAddress!
                for step in 0..<steps {
                    if step > 0 {
                        Recurrence.addRecurrent(step: step, h: h, recurrentWeight: w.baseAddress!, z: h,
                                                batch: batch, steps: steps, hidden: hidden, width: hidden)
                    }
                    for sample in 0..<batch {
                        VectorMath.tanh(h + (sample * steps + step) * hidden, count: hidden)
                    }
                }
            }
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        let (batch, steps, hidden) = (input.shape[0], input.shape[1], hidden)
        dz.resize(to: output.shape)
        dz.values.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: outputGradient.values) }
        output.values.withUnsafeBufferPointer { h in
            recurrentWeight.value.values.withUnsafeBufferPointer { w in
                dz.values.withUnsafeMutableBufferPointer { dz in
                    let dz = dz.baseAddress!
                    for step in (0..<steps).reversed() {
                        for sample in 0..<batch {
                            let offset = (sample * steps + step) * hidden
                            for j in 0..<hidden {
                                let y = h[offset + j]
                                dz[offset + j] *= 1 - y * y
                            }
                        }
                        if step > 0 && step % (truncation ?? Int.max) != 0 {
                            Recurrence.backRecurrent(step: step, dz: dz, recurrentWeight: w.baseAddress!, dh: dz,
                                                     batch: batch, steps: steps, hidden: hidden, width: hidden)
                        }
                    }
                }
            }
        }
        Recurrence.gradients(x: input, h: output, dz: dz, inputWeight: inputWeight, recurrentWeight: recurrentWeight,
                             bias: bias, dx: &inputGradient, computeInputGradient: computeInputGradient,
                             batch: batch, steps: steps, inputs: inputs, hidden: hidden, width: hidden)
    }
}
