import Foundation

/// Long short-term memory layer over [steps, inputs] samples, giving every step's hidden state
/// [steps, hidden]. Gates, in column blocks of width `hidden`: input i, forget f, cell g, output o;
/// c_t = f·c_{t−1} + i·g, h_t = o·tanh(c_t), with h_{−1} = c_{−1} = 0. Trained by backpropagation
/// through time; with `truncation` k, gradients stop flowing from step t to t − 1 whenever t is a multiple of k.
final class LSTM: Layer {
    let kind = "lstm"
    let inputs: Int
    let hidden: Int
    let truncation: Int?
    /// [inputs, 4·hidden].
    let inputWeight: Parameter
    /// [hidden, 4·hidden].
    let recurrentWeight: Parameter
    /// [4·hidden]; starts at `forgetBias` for the forget gate and 0 elsewhere.
    let bias: Parameter
    var parameters: [Parameter] { [inputWeight, recurrentWeight, bias] }

    /// Gate activations of the last forward, [batch, steps, 4·hidden].
    private var gates = Tensor(zeros: [0])
    /// Cell states and their tanh, [batch, steps, hidden].
    private var cells = Tensor(zeros: [0])
    private var cellTanh = Tensor(zeros: [0])
    /// Backward buffers: dLoss/d(gate pre-activations) and dLoss/dh.
    private var dz = Tensor(zeros: [0])
    private var dh = Tensor(zeros: [0])
    /// dLoss/dc_t flowing to the previous step, [batch, hidden].
    private var dcCarry = Tensor(zeros: [0])

    /// Weights uniform in ±1/sqrt(hidden), forget-gate bias `forgetBias`, other biases 0. A forget gate
    /// at σ(b) keeps σ(b)ⁿ of the cell over n steps: 0.2 % over 20 steps for b = 1, 36 % for b = 3.
    init<G: RandomNumberGenerator>(inputs: Int, hidden: Int, truncation: Int? = nil, forgetBias: Float = 1,
                                   generator: inout G) {
        precondition(inputs > 0 && hidden > 0 && (truncation ?? 1) > 0, "LSTM: sizes must be positive")
        self.inputs = inputs
        self.hidden = hidden
        self.truncation = truncation
        inputWeight = Parameter(name: "input_weight", value: RecurrentInitialization.weights(
            rows: inputs, columns: 4 * hidden, hidden: hidden, generator: &generator))
        recurrentWeight = Parameter(name: "recurrent_weight", value: RecurrentInitialization.weights(
            rows: hidden, columns: 4 * hidden, hidden: hidden, generator: &generator))
        bias = Parameter(name: "bias", value: Tensor(
            shape: [4 * hidden], values: (0..<(4 * hidden)).map { $0 / hidden == 1 ? forgetBias : 0 }))
    }

    private init(replicating other: LSTM) {
        (inputs, hidden, truncation) = (other.inputs, other.hidden, other.truncation)
        inputWeight = other.inputWeight.replica()
        recurrentWeight = other.recurrentWeight.replica()
        bias = other.bias.replica()
    }

    func replica() -> any Layer { LSTM(replicating: self) }

    func outputShape(for inputShape: [Int]) -> [Int]? {
        inputShape.count == 2 && inputShape[1] == inputs && inputShape[0] > 0 ? [inputShape[0], hidden] : nil
    }

    func forward(_ input: Tensor, into output: inout Tensor) {
        let (batch, steps, hidden) = (input.shape[0], input.shape[1], hidden)
        let width = 4 * hidden
        gates.resize(to: [batch, steps, width])
        cells.resize(to: [batch, steps, hidden])
        cellTanh.resize(to: [batch, steps, hidden])
        output.resize(to: [batch, steps, hidden])
        Recurrence.project(input, inputWeight: inputWeight, bias: bias, into: &gates,
                           rows: batch * steps, inputs: inputs, width: width)
        recurrentWeight.value.values.withUnsafeBufferPointer { w in
            gates.values.withUnsafeMutableBufferPointer { z in
                cells.values.withUnsafeMutableBufferPointer { c in
                    cellTanh.values.withUnsafeMutableBufferPointer { tc in
                        output.values.withUnsafeMutableBufferPointer { h in
                            for step in 0..<steps {
                                if step > 0 {
                                    Recurrence.addRecurrent(step: step, h: h.baseAddress!, recurrentWeight: w.baseAddress!,
                                                            z: z.baseAddress!, batch: batch, steps: steps,
                                                            hidden: hidden, width: width)
                                }
                                for sample in 0..<batch {
                                    let row = sample * steps + step
                                    let g = z.baseAddress! + row * width
                                    let state = row * hidden
                                    VectorMath.sigmoid(g, count: 2 * hidden)
                                    VectorMath.tanh(g + 2 * hidden, count: hidden)
                                    VectorMath.sigmoid(g + 3 * hidden, count: hidden)
                                    // Pointers per block keep index arithmetic out of the loops, so they vectorise.
                                    let (input, forget, cell, out) = (g, g + hidden, g + 2 * hidden, g + 3 * hidden)
                                    let (current, previous) = (c.baseAddress! + state, c.baseAddress! + state - hidden)
                                    for j in 0..<hidden {
                                        current[j] = (step > 0 ? forget[j] * previous[j] : 0) + input[j] * cell[j]
                                    }
                                    let (squashed, hj) = (tc.baseAddress! + state, h.baseAddress! + state)
                                    VectorMath.tanh(current, into: squashed, count: hidden)
                                    for j in 0..<hidden { hj[j] = out[j] * squashed[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        let (batch, steps, hidden) = (input.shape[0], input.shape[1], hidden)
        let width = 4 * hidden
        dz.resize(to: gates.shape)
        dh.resize(to: output.shape)
        dcCarry.resize(to: [batch, hidden])
        dh.values.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: outputGradient.values) }
        dcCarry.values.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        recurrentWeight.value.values.withUnsafeBufferPointer { w in
            gates.values.withUnsafeBufferPointer { a in
                cells.values.withUnsafeBufferPointer { c in
                    cellTanh.values.withUnsafeBufferPointer { tc in
                        dz.values.withUnsafeMutableBufferPointer { dz in
                            dh.values.withUnsafeMutableBufferPointer { dh in
                                dcCarry.values.withUnsafeMutableBufferPointer { carry in
                                    for step in (0..<steps).reversed() {
                                        let cut = step > 0 && step % (truncation ?? Int.max) == 0
                                        for sample in 0..<batch {
                                            let row = sample * steps + step
                                            let g = a.baseAddress! + row * width
                                            let (input, forget, cell, out) = (g, g + hidden, g + 2 * hidden, g + 3 * hidden)
                                            let d = dz.baseAddress! + row * width
                                            let (dInput, dForget, dCell, dOut) = (d, d + hidden, d + 2 * hidden, d + 3 * hidden)
                                            let state = row * hidden
                                            let (gradH, t, previous) = (dh.baseAddress! + state, tc.baseAddress! + state,
                                                                        c.baseAddress! + state - hidden)
                                            let dcNext = carry.baseAddress! + sample * hidden
                                            for j in 0..<hidden {
                                                let (i, f, u, o) = (input[j], forget[j], cell[j], out[j])
                                                let dc = dcNext[j] + gradH[j] * o * (1 - t[j] * t[j])
                                                dInput[j] = dc * u * i * (1 - i)
                                                dForget[j] = step > 0 ? dc * previous[j] * f * (1 - f) : 0
                                                dCell[j] = dc * i * (1 - u * u)
                                                dOut[j] = gradH[j] * t[j] * o * (1 - o)
                                                dcNext[j] = cut ? 0 : dc * f
                                            }
                                        }
                                        if step > 0 && !cut {
                                            Recurrence.backRecurrent(step: step, dz: dz.baseAddress!,
                                                                     recurrentWeight: w.baseAddress!, dh: dh.baseAddress!,
                                                                     batch: batch, steps: steps, hidden: hidden, width: width)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        Recurrence.gradients(x: input, h: output, dz: dz, inputWeight: inputWeight, recurrentWeight: recurrentWeight,
                             bias: bias, dx: &inputGradient, computeInputGradient: computeInputGradient,
                             batch: batch, steps: steps, inputs: inputs, hidden: hidden, width: width)
    }
}
