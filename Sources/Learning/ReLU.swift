/// Elementwise max(0, x).
final class ReLU: Layer {
    let kind = "relu"
    var parameters: [Parameter] { [] }

    func replica() -> any Layer { ReLU() }

    func outputShape(for inputShape: [Int]) -> [Int]? { inputShape }

    func forward(_ input: Tensor, into output: inout Tensor) {
        output.resize(to: input.shape)
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                for i in 0..<x.count { y[i] = max(x[i], 0) }
            }
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        inputGradient.resize(to: input.shape)
        output.values.withUnsafeBufferPointer { y in
            outputGradient.values.withUnsafeBufferPointer { dy in
                inputGradient.values.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<y.count { dx[i] = y[i] > 0 ? dy[i] : 0 }
                }
            }
        }
    }
}
