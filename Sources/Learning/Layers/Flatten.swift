/// Reshapes each sample to one dimension; values pass through unchanged.
final class Flatten: Layer {
    let kind = "flatten"
    var parameters: [Parameter] { [] }

    func replica() -> any Layer { Flatten() }

    func outputShape(for inputShape: [Int]) -> [Int]? { [inputShape.elementCount] }

    func forward(_ input: Tensor, into output: inout Tensor) {
        output.resize(to: [input.shape[0], input.count / max(input.shape[0], 1)])
        output.values.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: input.values) }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        inputGradient.resize(to: input.shape)
        inputGradient.values.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: outputGradient.values) }
    }
}
