/// 2-D convolution over [height, width, channels] samples (a 2-D sample is one channel),
/// computed as im2col followed by one GEMM per batch: the column matrix has one row per
/// output position of every sample and one column per (kernel row, kernel column, input channel).
/// Weight shape is [kernelHeight, kernelWidth, inputChannels, outputChannels].
final class Conv2D: Layer {
    /// How the input is padded with zeros.
    enum Padding: Sendable, Equatable {
        /// No padding: output = floor((input − kernel) / stride) + 1.
        case valid
        /// Output = ceil(input / stride); the extra row or column of an odd total goes bottom/right.
        case same
        /// The given number of zero rows above and below, and columns left and right.
        case explicit(rows: Int, columns: Int)
    }

    let kind = "conv"
    let inputChannels: Int
    let outputChannels: Int
    let kernel: (height: Int, width: Int)
    let stride: Int
    let padding: Padding
    let weight: Parameter
    let bias: Parameter
    var parameters: [Parameter] { [weight, bias] }

    private var geometry = Geometry()
    /// im2col of the last forward input, kept for the weight gradient.
    private var columns = Tensor(zeros: [0])
    private var columnGradient = Tensor(zeros: [0])

    /// A convolution with weights He-uniform in ±sqrt(6 / fan-in) and zero biases.
    init<G: RandomNumberGenerator>(inputChannels: Int, outputChannels: Int, kernel: (height: Int, width: Int),
                                   stride: Int = 1, padding: Padding, generator: inout G) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernel.height > 0 && kernel.width > 0 && stride > 0,
                     "Conv2D: channels, kernel and stride must be positive")
        let fanIn = kernel.height * kernel.width * inputChannels
        let limit = (6 / Float(fanIn)).squareRoot()
        let values = (0..<(fanIn * outputChannels)).map { _ in Float.random(in: -limit...limit, using: &generator) }
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        weight = Parameter(name: "weight", value: Tensor(
            shape: [kernel.height, kernel.width, inputChannels, outputChannels], values: values))
        bias = Parameter(name: "bias", value: Tensor(zeros: [outputChannels]))
    }

    private init(replicating other: Conv2D) {
        inputChannels = other.inputChannels
        outputChannels = other.outputChannels
        kernel = other.kernel
        stride = other.stride
        padding = other.padding
        weight = other.weight.replica()
        bias = other.bias.replica()
    }

    func replica() -> any Layer { Conv2D(replicating: self) }

    /// Sizes derived from one per-sample input shape.
    private struct Geometry: Equatable {
        var height = 0, width = 0, outputHeight = 0, outputWidth = 0, top = 0, left = 0
    }

    private func geometry(for shape: [Int]) -> Geometry? {
        guard shape.count == 2 || (shape.count == 3 && shape[2] == inputChannels),
              shape.count == 3 || inputChannels == 1 else { return nil }
        let (h, w) = (shape[0], shape[1])
        var g = Geometry(height: h, width: w)
        switch padding {
        case .valid:
            g.outputHeight = h >= kernel.height ? (h - kernel.height) / stride + 1 : 0
            g.outputWidth = w >= kernel.width ? (w - kernel.width) / stride + 1 : 0
        case .same:
            g.outputHeight = (h + stride - 1) / stride
            g.outputWidth = (w + stride - 1) / stride
            g.top = max((g.outputHeight - 1) * stride + kernel.height - h, 0) / 2
            g.left = max((g.outputWidth - 1) * stride + kernel.width - w, 0) / 2
        case let .explicit(rows, columns):
            g.top = rows
            g.left = columns
            let (ph, pw) = (h + 2 * rows, w + 2 * columns)
            g.outputHeight = ph >= kernel.height ? (ph - kernel.height) / stride + 1 : 0
            g.outputWidth = pw >= kernel.width ? (pw - kernel.width) / stride + 1 : 0
        }
        return g.outputHeight > 0 && g.outputWidth > 0 ? g : nil
    }

    func outputShape(for inputShape: [Int]) -> [Int]? {
        geometry(for: inputShape).map { [$0.outputHeight, $0.outputWidth, outputChannels] }
    }

    func forward(_ input: Tensor, into output: inout Tensor) {
        let sampleShape = Array(input.shape.dropFirst())
        if geometry.height != sampleShape[0] || geometry.width != sampleShape[1] {
            geometry = self.geometry(for: sampleShape)!
        }
        let g = geometry
        let batch = input.shape[0]
        let rows = batch * g.outputHeight * g.outputWidth
        let depth = kernel.height * kernel.width * inputChannels
        columns.resize(to: [rows, depth])
        output.resize(to: [batch, g.outputHeight, g.outputWidth, outputChannels])
        input.values.withUnsafeBufferPointer { x in
            columns.values.withUnsafeMutableBufferPointer { col in
                gatherColumns(x.baseAddress!, into: col.baseAddress!, batch: batch)
            }
        }
        columns.values.withUnsafeBufferPointer { col in
            weight.value.values.withUnsafeBufferPointer { w in
                bias.value.values.withUnsafeBufferPointer { b in
                    output.values.withUnsafeMutableBufferPointer { y in
                        for row in 0..<rows {
                            (y.baseAddress! + row * outputChannels).update(from: b.baseAddress!, count: outputChannels)
                        }
                        LinearAlgebra.gemm(m: rows, n: outputChannels, k: depth,
                                           a: col.baseAddress!, lda: depth, b: w.baseAddress!, ldb: outputChannels,
                                           beta: 1, c: y.baseAddress!, ldc: outputChannels)
                    }
                }
            }
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        let g = geometry
        let batch = input.shape[0]
        let rows = batch * g.outputHeight * g.outputWidth
        let depth = kernel.height * kernel.width * inputChannels
        let outputChannels = outputChannels
        outputGradient.values.withUnsafeBufferPointer { dy in
            let dy = dy.baseAddress!
            columns.values.withUnsafeBufferPointer { col in
                weight.gradient.values.withUnsafeMutableBufferPointer { dw in
                    LinearAlgebra.gemm(transposeA: true, m: depth, n: outputChannels, k: rows,
                                       a: col.baseAddress!, lda: depth, b: dy, ldb: outputChannels,
                                       c: dw.baseAddress!, ldc: outputChannels)
                }
            }
            bias.gradient.values.withUnsafeMutableBufferPointer { db in
                db.update(repeating: 0)
                for row in 0..<rows {
                    let source = dy + row * outputChannels
                    for j in 0..<outputChannels { db[j] += source[j] }
                }
            }
            guard computeInputGradient else { return }
            columnGradient.resize(to: [rows, depth])
            weight.value.values.withUnsafeBufferPointer { w in
                columnGradient.values.withUnsafeMutableBufferPointer { dcol in
                    LinearAlgebra.gemm(transposeB: true, m: rows, n: depth, k: outputChannels,
                                       a: dy, lda: outputChannels, b: w.baseAddress!, ldb: outputChannels,
                                       c: dcol.baseAddress!, ldc: depth)
                }
            }
            inputGradient.resize(to: input.shape)
            columnGradient.values.withUnsafeBufferPointer { dcol in
                inputGradient.values.withUnsafeMutableBufferPointer { dx in
                    dx.update(repeating: 0)
                    scatterColumns(dcol.baseAddress!, into: dx.baseAddress!, batch: batch)
                }
            }
        }
    }

    /// Calls `body(columnOffset, inputOffset, count)` for every run of input channels that one
    /// kernel tap copies between the column matrix and the input (row-major NHWC offsets);
    /// taps that fall into the padding are skipped (their column entries are zero).
    @inline(__always)
    private func forEachTap(batch: Int, _ body: (Int, Int) -> Void, zero: (Int) -> Void) {
        let g = geometry, c = inputChannels
        let depth = kernel.height * kernel.width * c
        var row = 0
        for sample in 0..<batch {
            let sampleBase = sample * g.height * g.width * c
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let rowBase = row * depth
                    for ky in 0..<kernel.height {
                        let y = oy * stride + ky - g.top
                        for kx in 0..<kernel.width {
                            let x = ox * stride + kx - g.left
                            let column = rowBase + (ky * kernel.width + kx) * c
                            if y >= 0 && y < g.height && x >= 0 && x < g.width {
                                body(column, sampleBase + (y * g.width + x) * c)
                            } else {
                                zero(column)
                            }
                        }
                    }
                    row += 1
                }
            }
        }
    }

    private func gatherColumns(_ x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>, batch: Int) {
        let c = inputChannels
        forEachTap(batch: batch, { column, source in
            (col + column).update(from: x + source, count: c)
        }, zero: { column in
            (col + column).update(repeating: 0, count: c)
        })
    }

    private func scatterColumns(_ dcol: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, batch: Int) {
        let c = inputChannels
        forEachTap(batch: batch, { column, target in
            for i in 0..<c { dx[target + i] += dcol[column + i] }
        }, zero: { _ in })
    }
}
