/// Fully connected layer: output = input · weight + bias, with weight of shape [inputs, outputs].
/// A sample of shape [..., inputs] (rank ≥ 2) maps each row, giving [..., outputs] (e.g. every
/// time step of a sequence); any other sample with `inputs` elements is flattened, giving [outputs].
final class Dense: Layer {
    let kind = "dense"
    let inputs: Int
    let outputs: Int
    let weight: Parameter
    let bias: Parameter
    var parameters: [Parameter] { [weight, bias] }

    init<G: RandomNumberGenerator>(inputs: Int, outputs: Int, initialization: WeightInitialization,
                                   generator: inout G) {
        self.inputs = inputs
        self.outputs = outputs
        let weights = initialization.draw(inputs * outputs, fanIn: inputs, fanOut: outputs, generator: &generator)
        weight = Parameter(name: "weight", value: Tensor(shape: [inputs, outputs], values: weights))
        bias = Parameter(name: "bias", value: Tensor(zeros: [outputs]))
    }

    private init(replicating other: Dense) {
        (inputs, outputs) = (other.inputs, other.outputs)
        weight = other.weight.replica()
        bias = other.bias.replica()
    }

    func replica() -> any Layer { Dense(replicating: self) }

    func outputShape(for inputShape: [Int]) -> [Int]? {
        if inputShape.count >= 2 && inputShape.last == inputs { return Array(inputShape.dropLast()) + [outputs] }
        return inputShape.elementCount == inputs ? [outputs] : nil
    }

    func forward(_ input: Tensor, into output: inout Tensor) {
        let batch = input.count / inputs
        output.resize(to: input.shape.last == inputs ? Array(input.shape.dropLast()) + [outputs] : [batch, outputs])
        let outputs = outputs, inputs = inputs
        input.values.withUnsafeBufferPointer { x in
            weight.value.values.withUnsafeBufferPointer { w in
                bias.value.values.withUnsafeBufferPointer { b in
                    output.values.withUnsafeMutableBufferPointer { y in
                        let y = y.baseAddress!
                        for row in 0..<batch {
                            (y + row * outputs).update(from: b.baseAddress!, count: outputs)
                        }
                        LinearAlgebra.gemm(m: batch, n: outputs, k: inputs,
                                           a: x.baseAddress!, lda: inputs, b: w.baseAddress!, ldb: outputs,
                                           beta: 1, c: y, ldc: outputs)
                    }
                }
            }
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        let batch = input.count / inputs
        let outputs = outputs, inputs = inputs
        input.values.withUnsafeBufferPointer { x in
            outputGradient.values.withUnsafeBufferPointer { dy in
                let dy = dy.baseAddress!
                // dW = xᵀ · dy
                weight.gradient.values.withUnsafeMutableBufferPointer { dw in
                    LinearAlgebra.gemm(transposeA: true, m: inputs, n: outputs, k: batch,
                                       a: x.baseAddress!, lda: inputs, b: dy, ldb: outputs,
                                       c: dw.baseAddress!, ldc: outputs)
                }
                // db = column sums of dy
                bias.gradient.values.withUnsafeMutableBufferPointer { db in
                    db.update(repeating: 0)
                    for row in 0..<batch {
                        let source = dy + row * outputs
                        for j in 0..<outputs { db[j] += source[j] }
                    }
                }
                guard computeInputGradient else { return }
                // dx = dy · Wᵀ
                inputGradient.resize(to: input.shape)
                weight.value.values.withUnsafeBufferPointer { w in
                    inputGradient.values.withUnsafeMutableBufferPointer { dx in
                        LinearAlgebra.gemm(transposeB: true, m: batch, n: inputs, k: outputs,
                                           a: dy, lda: outputs, b: w.baseAddress!, ldb: outputs,
                                           c: dx.baseAddress!, ldc: inputs)
                    }
                }
            }
        }
    }
}
