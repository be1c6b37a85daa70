/// The window and stride of a 2-D pooling layer over [height, width, channels] samples,
/// without padding: output = floor((input − window) / stride) + 1 in each dimension.
struct PoolingWindow {
    let height: Int
    let width: Int
    let stride: Int
    /// Offsets of a window's taps from its first tap, for the input row width and channels of `offsetsKey`.
    private var offsets: [Int] = []
    private var offsetsKey = (width: 0, channels: 0)

    init(height: Int, width: Int, stride: Int) {
        precondition(height > 0 && width > 0 && stride > 0, "pooling: window and stride must be positive")
        self.height = height
        self.width = width
        self.stride = stride
    }

    /// [outputHeight, outputWidth, channels], or nil when the input is not [H, W, C] or is smaller than the window.
    func outputShape(for shape: [Int]) -> [Int]? {
        guard shape.count == 3, shape[0] >= height, shape[1] >= width else { return nil }
        return [(shape[0] - height) / stride + 1, (shape[1] - width) / stride + 1, shape[2]]
    }

    /// Calls `body(outputIndex, firstTap, tapOffsets, channels)` for every output position of a batch
    /// of shape `input` ([batch, H, W, C]): channel k of that position is output element outputIndex + k,
    /// and its window's flat input indices are firstTap + k + each tap offset (the first offset is 0).
    @inline(__always)
    mutating func forEachPosition(input: [Int], _ body: (Int, Int, UnsafeBufferPointer<Int>, Int) -> Void) {
        let (h, w, c) = (input[1], input[2], input[3])
        if offsetsKey != (w, c) {
            offsets = (0..<height).flatMap { ky in (0..<width).map { kx in (ky * w + kx) * c } }
            offsetsKey = (w, c)
        }
        let (outputHeight, outputWidth) = ((h - height) / stride + 1, (w - width) / stride + 1)
        offsets.withUnsafeBufferPointer { offsets in
            var index = 0
            for sample in 0..<input[0] {
                for oy in 0..<outputHeight {
                    for ox in 0..<outputWidth {
                        body(index, ((sample * h + oy * stride) * w + ox * stride) * c, offsets, c)
                        index += c
                    }
                }
            }
        }
    }
}
