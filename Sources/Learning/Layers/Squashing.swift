/// The squashing activations, elementwise: tanh, and the logistic sigmoid. Each keeps nothing
/// between passes; the backward pass reads the output: tanh′ = 1 − y², sigmoid′ = y (1 − y).
final class Squashing: Layer {
    enum Function: String, Sendable {
        case tanh, sigmoid
    }

    let function: Function
    var kind: String { function.rawValue }
    var parameters: [Parameter] { [] }

    init(_ function: Function) {
        self.function = function
    }

    func replica() -> any Layer { Squashing(function) }

    func outputShape(for inputShape: [Int]) -> [Int]? { inputShape }

    func forward(_ input: Tensor, into output: inout Tensor) {
        output.resize(to: input.shape)
        let count = input.count
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                guard let from = x.baseAddress, let to = y.baseAddress else { return }
                switch function {
                case .tanh:
                    VectorMath.tanh(from, into: to, count: count)
                case .sigmoid:
                    to.update(from: from, count: count)
                    VectorMath.sigmoid(to, count: count)
                }
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
                    switch function {
                    case .tanh: for i in 0..<y.count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
                    case .sigmoid: for i in 0..<y.count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
                    }
                }
            }
        }
    }
}
