/// Max pooling over [height, width, channels] samples; the gradient flows to each window's maximum
/// (the first tap holding it).
final class MaxPool2D: Layer {
    let kind = "maxpool"
    var parameters: [Parameter] { [] }
    private(set) var window: PoolingWindow
    /// For each output of the last forward, the number of the window tap holding its maximum, as a
    /// Float: selected alongside the maximum with the same mask, so the channel loop is vector code
    /// (the compiler's loop over stored integer indices was not, and took 7 % of the CNN's training).
    private var winners: [Float] = []

    /// A pool of `size` (height, width) moving by `stride` (default: the window height).
    init(size: (height: Int, width: Int), stride: Int? = nil) {
        window = PoolingWindow(height: size.height, width: size.width, stride: stride ?? size.height)
    }

    func replica() -> any Layer { MaxPool2D(size: (window.height, window.width), stride: window.stride) }

    func outputShape(for inputShape: [Int]) -> [Int]? { window.outputShape(for: inputShape) }

    func forward(_ input: Tensor, into output: inout Tensor) {
        output.resize(to: [input.shape[0]] + window.outputShape(for: Array(input.shape.dropFirst()))!)
        if winners.count != output.count { winners = [Float](repeating: 0, count: output.count) }
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                winners.withUnsafeMutableBufferPointer { winners in
                    window.forEachPosition(input: input.shape) { index, first, offsets, channels in
                        Self.pool(x.baseAddress! + first, offsets: offsets, channels: channels,
                                  into: y.baseAddress! + index, winners: winners.baseAddress! + index)
                    }
                }
            }
        }
    }

    /// One window position: the maximum over the taps (at `window` + each offset) of each of
    /// `channels` channels, and the number of the first tap holding it; eight channels at a time.
    @inline(__always)
    private static func pool(_ window: UnsafePointer<Float>, offsets: UnsafeBufferPointer<Int>, channels: Int,
                             into best: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Float>) {
        typealias Lanes = SIMD8<Float>
        var k = 0
        while k + Lanes.scalarCount <= channels {
            var maximum = UnsafeRawPointer(window + k).loadUnaligned(as: Lanes.self)
            var winner = Lanes(repeating: 0)
            for tap in 1..<offsets.count {
                let values = UnsafeRawPointer(window + offsets[tap] + k).loadUnaligned(as: Lanes.self)
                let larger = values .> maximum
                maximum.replace(with: values, where: larger)
                winner.replace(with: Float(tap), where: larger)
            }
            UnsafeMutableRawPointer(best + k).storeBytes(of: maximum, as: Lanes.self)
            UnsafeMutableRawPointer(winners + k).storeBytes(of: winner, as: Lanes.self)
            k += Lanes.scalarCount
        }
        for k in k..<channels {
            var (maximum, winner) = (window[k], 0)
            for tap in 1..<offsets.count where window[offsets[tap] + k] > maximum {
                (maximum, winner) = (window[offsets[tap] + k], tap)
            }
            (best[k], winners[k]) = (maximum, Float(winner))
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        inputGradient.resize(to: input.shape)
        inputGradient.values.withUnsafeMutableBufferPointer { dx in
            dx.update(repeating: 0)
            outputGradient.values.withUnsafeBufferPointer { dy in
                winners.withUnsafeBufferPointer { winners in
                    window.forEachPosition(input: input.shape) { index, first, offsets, channels in
                        for k in 0..<channels {
                            dx[first + offsets[Int(winners[index + k])] + k] += dy[index + k]
                        }
                    }
                }
            }
        }
    }
}
