/// Average pooling over [height, width, channels] samples.
final class AvgPool2D: Layer {
    let kind = "avgpool"
    var parameters: [Parameter] { [] }
    private(set) var window: PoolingWindow

    /// A pool of `size` (height, width) moving by `stride` (default: the window height).
    init(size: (height: Int, width: Int), stride: Int? = nil) {
        window = PoolingWindow(height: size.height, width: size.width, stride: stride ?? size.height)
    }

    func replica() -> any Layer { AvgPool2D(size: (window.height, window.width), stride: window.stride) }

    func outputShape(for inputShape: [Int]) -> [Int]? { window.outputShape(for: inputShape) }

    func forward(_ input: Tensor, into output: inout Tensor) {
        output.resize(to: [input.shape[0]] + window.outputShape(for: Array(input.shape.dropFirst()))!)
        let scale = 1 / Float(window.height * window.width)
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                window.forEachPosition(input: input.shape) { index, first, offsets, channels in
                    for k in 0..<channels {
                        var sum: Float = 0
                        for offset in offsets { sum += x[first + k + offset] }
                        y[index + k] = sum * scale
                    }
                }
            }
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        inputGradient.resize(to: input.shape)
        let scale = 1 / Float(window.height * window.width)
        inputGradient.values.withUnsafeMutableBufferPointer { dx in
            dx.update(repeating: 0)
            outputGradient.values.withUnsafeBufferPointer { dy in
                window.forEachPosition(input: input.shape) { index, first, offsets, channels in
                    for k in 0..<channels {
                        for offset in offsets { dx[first + k + offset] += dy[index + k] * scale }
                    }
                }
            }
        }
    }
}
