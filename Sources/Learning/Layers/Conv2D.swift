/// 2-D convolution over [height, width, channels] samples (a 2-D sample is one channel),
/// computed as im2col followed by a GEMM: the column matrix has one row per output position and
/// one column per (kernel row, kernel column, input channel). The batch goes through in chunks of
/// samples whose column matrix fits in 512 KiB, so it stays in cache from gathering to multiplying;
/// the backward pass gathers each chunk again (unless the batch was a single chunk) rather than
/// keeping a batch-sized matrix that would travel through memory several times.
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
    /// im2col of one chunk of samples.
    private var columns = Tensor(zeros: [0])
    private var columnGradient = Tensor(zeros: [0])

    /// A convolution with weights drawn by `initialization` (fan-in: kernel area × input channels)
    /// and zero biases.
    init<G: RandomNumberGenerator>(inputChannels: Int, outputChannels: Int, kernel: (height: Int, width: Int),
                                   stride: Int = 1, padding: Padding, initialization: WeightInitialization = .heUniform,
                                   generator: inout G) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernel.height > 0 && kernel.width > 0 && stride > 0,
                     "Conv2D: channels, kernel and stride must be positive")
        let fanIn = kernel.height * kernel.width * inputChannels
        let values = initialization.draw(
            fanIn * outputChannels, fanIn: fanIn, fanOut: kernel.height * kernel.width * outputChannels, generator: &generator)
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

    /// Samples per im2col chunk: as many as fit in 512 KiB of column matrix, at least one.
    private var chunkSamples: Int {
        max(1, (1 << 17) / (geometry.outputHeight * geometry.outputWidth * kernel.height * kernel.width * inputChannels))
    }

    /// Calls `body(samples)` for consecutive chunks of at most `chunkSamples` samples of the batch.
    @inline(__always)
    private func forEachChunk(batch: Int, _ body: (Range<Int>) -> Void) {
        let chunk = chunkSamples
        for first in Swift.stride(from: 0, to: batch, by: chunk) { body(first..<min(first + chunk, batch)) }
    }

    func forward(_ input: Tensor, into output: inout Tensor) {
        let sampleShape = Array(input.shape.dropFirst())
        if geometry.height != sampleShape[0] || geometry.width != sampleShape[1] {
            geometry = self.geometry(for: sampleShape)!
        }
        let g = geometry
        let batch = input.shape[0]
        let positions = g.outputHeight * g.outputWidth
        let depth = kernel.height * kernel.width * inputChannels
        let outputChannels = outputChannels
        columns.resize(to: [min(chunkSamples, batch) * positions, depth])
        output.resize(to: [batch, g.outputHeight, g.outputWidth, outputChannels])
        input.values.withUnsafeBufferPointer { x in
            columns.values.withUnsafeMutableBufferPointer { col in
                weight.value.values.withUnsafeBufferPointer { w in
                    bias.value.values.withUnsafeBufferPointer { b in
                        output.values.withUnsafeMutableBufferPointer { y in
                            forEachChunk(batch: batch) { samples in
                                let chunk = y.baseAddress! + samples.lowerBound * positions * outputChannels
                                gatherColumns(x.baseAddress!, into: col.baseAddress!, samples: samples)
                                LinearAlgebra.gemm(m: samples.count * positions, n: outputChannels, k: depth,
                                                   a: col.baseAddress!, lda: depth, b: w.baseAddress!, ldb: outputChannels,
                                                   c: chunk, ldc: outputChannels)
                                // The bias is added while the chunk is in cache (one copy per row before the
                                // product cost a memmove call per row).
                                for row in 0..<(samples.count * positions) {
                                    let target = chunk + row * outputChannels
                                    for j in 0..<outputChannels { target[j] += b[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool) {
        let g = geometry
        let batch = input.shape[0]
        let positions = g.outputHeight * g.outputWidth
        let depth = kernel.height * kernel.width * inputChannels
        let outputChannels = outputChannels
        // A batch of one chunk still has its columns from the forward pass.
        let gatherAgain = batch > chunkSamples
        if computeInputGradient {
            columnGradient.resize(to: columns.shape)
            inputGradient.resize(to: input.shape)
        }
        outputGradient.values.withUnsafeBufferPointer { dy in
            let dy = dy.baseAddress!
            bias.gradient.values.withUnsafeMutableBufferPointer { db in
                db.update(repeating: 0)
                for row in 0..<(batch * positions) {
                    let source = dy + row * outputChannels
                    for j in 0..<outputChannels { db[j] += source[j] }
                }
            }
            input.values.withUnsafeBufferPointer { x in
                columns.values.withUnsafeMutableBufferPointer { col in
                    columnGradient.values.withUnsafeMutableBufferPointer { dcol in
                        weight.value.values.withUnsafeBufferPointer { w in
                            weight.gradient.values.withUnsafeMutableBufferPointer { dw in
                                inputGradient.values.withUnsafeMutableBufferPointer { dx in
                                    if computeInputGradient { dx.update(repeating: 0) }
                                    forEachChunk(batch: batch) { samples in
                                        let rows = samples.count * positions
                                        let dyChunk = dy + samples.lowerBound * positions * outputChannels
                                        if gatherAgain { gatherColumns(x.baseAddress!, into: col.baseAddress!, samples: samples) }
                                        LinearAlgebra.gemm(transposeA: true, m: depth, n: outputChannels, k: rows,
                                                           a: col.baseAddress!, lda: depth, b: dyChunk, ldb: outputChannels,
                                                           beta: samples.lowerBound == 0 ? 0 : 1, c: dw.baseAddress!,
                                                           ldc: outputChannels)
                                        guard computeInputGradient else { return }
                                        LinearAlgebra.gemm(transposeB: true, m: rows, n: depth, k: outputChannels,
                                                           a: dyChunk, lda: outputChannels, b: w.baseAddress!, ldb: outputChannels,
                                                           c: dcol.baseAddress!, ldc: depth)
                                        scatterColumns(dcol.baseAddress!, into: dx.baseAddress!, samples: samples)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Calls `copy(columnOffset, inputOffset, count)` for every run of one kernel row that lies inside
    /// the input (its taps are contiguous in both the column matrix and the NHWC input), and
    /// `zero(columnOffset, count)` for the column entries of taps in the padding. Column rows count
    /// from the first of `samples`.
    @inline(__always)
    private func forEachRun(samples: Range<Int>, _ copy: (Int, Int, Int) -> Void, zero: (Int, Int) -> Void) {
        let g = geometry, c = inputChannels
        let rowLength = kernel.width * c
        let depth = kernel.height * rowLength
        var row = 0
        for sample in samples {
            let sampleBase = sample * g.height * g.width * c
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let left = ox * stride - g.left
                    // Taps first..<end of each kernel row fall inside the input's width.
                    let first = max(0, -left), end = min(kernel.width, g.width - left)
                    for ky in 0..<kernel.height {
                        let y = oy * stride + ky - g.top
                        let column = row * depth + ky * rowLength
                        guard y >= 0 && y < g.height && first < end else {
                            zero(column, rowLength)
                            continue
                        }
                        if first > 0 { zero(column, first * c) }
                        copy(column + first * c, sampleBase + (y * g.width + left + first) * c, (end - first) * c)
                        if end < kernel.width { zero(column + end * c, (kernel.width - end) * c) }
                    }
                    row += 1
                }
            }
        }
    }

    private func gatherColumns(_ x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>, samples: Range<Int>) {
        forEachRun(samples: samples, { column, source, count in
            (col + column).update(from: x + source, count: count)
        }, zero: { column, count in
            (col + column).update(repeating: 0, count: count)
        })
    }

    private func scatterColumns(_ dcol: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, samples: Range<Int>) {
        forEachRun(samples: samples, { column, target, count in
            let (source, destination) = (dcol + column, dx + target)
            for i in 0..<count { destination[i] += source[i] }
        }, zero: { _, _ in })
    }
}
