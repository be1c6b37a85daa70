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
                    // Eight lanes at a time: the scalar loop did not vectorise.
                    var i = 0
                    while i + 8 <= y.count {
                        let kept = UnsafeRawPointer(dy.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self)
                            .replacing(with: 0, where: UnsafeRawPointer(y.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self) .<= 0)
                        UnsafeMutableRawPointer(dx.baseAddress! + i).storeBytes(of: kept, as: SIMD8<Float>.self)
                        i += 8
                    }
                    for j in i..<y.count { dx[j] = y[j] > 0 ? dy[j] : 0 }
                }
            }
        }
    }
}
