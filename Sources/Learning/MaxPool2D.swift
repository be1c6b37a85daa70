/// Max pooling over [height, width, channels] samples; the gradient flows to each window's maximum.
final class MaxPool2D: Layer {
    let kind = "maxpool"
    var parameters: [Parameter] { [] }
    private(set) var window: PoolingWindow
    /// Flat input index of each output's maximum in the last forward (32 bits, the width of a Float,
    /// so the selects of the forward pass vectorise).
    private var argmax: [Int32] = []

    /// A pool of `size` (height, width) moving by `stride` (default: the window height).
    init(size: (height: Int, width: Int), stride: Int? = nil) {
        window = PoolingWindow(height: size.height, width: size.width, stride: stride ?? size.height)
    }

    func replica() -> any Layer { MaxPool2D(size: (window.height, window.width), stride: window.stride) }

    func outputShape(for inputShape: [Int]) -> [Int]? { window.outputShape(for: inputShape) }

    func forward(_ input: Tensor, into output: inout Tensor) {
        output.resize(to: [input.shape[0]] + window.outputShape(for: Array(input.shape.dropFirst()))!)
        precondition(input.count <= Int(Int32.max), "MaxPool2D: a batch of \(input.count) values needs 64-bit indices")
        if argmax.count != output.count { argmax = [Int32](repeating: 0, count: output.count) }
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { argmax in
                    window.forEachPosition(input: input.shape) { index, first, offsets, channels in
                        let (best, at) = (y.baseAddress! + index, argmax.baseAddress! + index)
                        for k in 0..<channels {
                            at[k] = Int32(truncatingIfNeeded: first &+ k)
                            best[k] = x[first &+ k]
                        }
                        // Selects, not branches, and no overflow checks, so the channel loop vectorises.
                        for offset in offsets.dropFirst() {
                            let tap = x.baseAddress! + first + offset
                            let tapIndex = Int32(truncatingIfNeeded: first + offset)
                            for k in 0..<channels {
                                let larger = tap[k] > best[k]
                                at[k] = larger ? tapIndex &+ Int32(truncatingIfNeeded: k) : at[k]
                                best[k] = larger ? tap[k] : best[k]
                            }
                        }
                    }
                }
            }
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        inputGradient.resize(to: input.shape)
        inputGradient.values.withUnsafeMutableBufferPointer { dx in
            dx.update(repeating: 0)
            outputGradient.values.withUnsafeBufferPointer { dy in
                argmax.withUnsafeBufferPointer { argmax in
                    for index in 0..<dy.count { dx[Int(argmax[index])] += dy[index] }
                }
            }
        }
    }
}
