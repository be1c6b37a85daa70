/// Inverted dropout: while training, zeroes each element with probability `rate` and scales
/// the rest by 1 / (1 − rate); at inference it passes values through.
final class Dropout: Layer {
    let kind = "dropout"
    var parameters: [Parameter] { [] }
    let rate: Float
    /// Whether `forward` drops elements; `Sequential` sets it for training and clears it for inference.
    var isTraining = false
    private var generator: SeededGenerator
    /// The last training forward's per-element factor: 0 or 1 / (1 − rate).
    private var mask: [Float] = []

    /// Dropout with probability `rate` in [0, 1), masks drawn from `seed`.
    init(rate: Float, seed: UInt64) {
        precondition(rate >= 0 && rate < 1, "Dropout: rate \(rate) outside [0, 1)")
        self.rate = rate
        generator = SeededGenerator(seed: seed)
    }

    func replica() -> any Layer {
        var copy = generator
        return Dropout(rate: rate, seed: copy.next())
    }

    func outputShape(for inputShape: [Int]) -> [Int]? { inputShape }

    func forward(_ input: Tensor, into output: inout Tensor) {
        output.resize(to: input.shape)
        if mask.count != input.count { mask = [Float](repeating: 1, count: input.count) }
        let keep = 1 / (1 - rate)
        mask.withUnsafeMutableBufferPointer { mask in
            if isTraining {
                for i in 0..<mask.count {
                    mask[i] = Float.random(in: 0..<1, using: &generator) < rate ? 0 : keep
                }
            } else {
                mask.update(repeating: 1)
            }
            input.values.withUnsafeBufferPointer { x in
                output.values.withUnsafeMutableBufferPointer { y in
                    for i in 0..<x.count { y[i] = x[i] * mask[i] }
                }
            }
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        inputGradient.resize(to: input.shape)
        mask.withUnsafeBufferPointer { mask in
            outputGradient.values.withUnsafeBufferPointer { dy in
                inputGradient.values.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<dy.count { dx[i] = dy[i] * mask[i] }
                }
            }
        }
    }
}
