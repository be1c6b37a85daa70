/// Keeps only the last time step of a [steps, features] sample, giving [features]:
/// turns a sequence layer's outputs into one per-sequence prediction.
final class LastStep: Layer {
    let kind = "last"
    var parameters: [Parameter] { [] }

    func replica() -> any Layer { LastStep() }

    func outputShape(for inputShape: [Int]) -> [Int]? {
        inputShape.count == 2 && inputShape[0] > 0 ? [inputShape[1]] : nil
    }

    func forward(_ input: Tensor, into output: inout Tensor) {
        let (batch, steps, features) = (input.shape[0], input.shape[1], input.shape[2])
        output.resize(to: [batch, features])
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                for sample in 0..<batch {
                    (y.baseAddress! + sample * features)
                        .update(from: x.baseAddress! + (sample * steps + steps - 1) * features, count: features)
                }
            }
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        let (batch, steps, features) = (input.shape[0], input.shape[1], input.shape[2])
        inputGradient.resize(to: input.shape)
        inputGradient.values.withUnsafeMutableBufferPointer { dx in
            dx.update(repeating: 0)
            outputGradient.values.withUnsafeBufferPointer { dy in
                for sample in 0..<batch {
                    (dx.baseAddress! + (sample * steps + steps - 1) * features)
                        .update(from: dy.baseAddress! + sample * features, count: features)
                }
            }
        }
    }
}
