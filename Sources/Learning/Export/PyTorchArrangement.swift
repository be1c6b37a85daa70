extension PyTorchLayout {
    /// How one tensor of PyTorch's state dict is laid out from a fedz parameter. Each case pairs
    /// every element of the PyTorch tensor with one element of the fedz parameter, so that export
    /// and import are the same pairing read in opposite directions and undo each other exactly.
    public enum Arrangement: Sendable, Equatable {
        /// The same shape and order: biases, embedding tables.
        case identity
        /// fedz [a, b] as [b, a]: a dense layer's [inputs, outputs] as `nn.Linear`'s
        /// [out_features, in_features]; a recurrent layer's [inputs, gates] as [gates, inputs].
        case transposed
        /// fedz [kh, kw, in, out] as `nn.Conv2d`'s [out, in, kh, kw].
        case convolution
        /// A dense layer reading a flattened [height, width, channels] feature map: fedz's rows
        /// run in (h, w, c) order, a PyTorch module flattens an NCHW map in (c, h, w) order, so
        /// the [out, c·h·w] tensor holds at column (c·height + h)·width + w the fedz row
        /// (h·width + w)·channels + c.
        case featureMapDense(height: Int, width: Int, channels: Int)
        /// PyTorch's second recurrent bias (`bias_hh_l0`), which fedz folds into its one bias:
        /// zeros on export; added to the parameter on import, which is exact (PyTorch only ever
        /// uses the sum b_ih + b_hh).
        case secondBias

        /// The PyTorch shape of a fedz parameter of `shape` (rank 2 for the transposing cases,
        /// rank 4 for a convolution, as the layer made it).
        func pytorchShape(of shape: [Int]) -> [Int] {
            switch self {
            case .identity, .secondBias: shape
            case .transposed, .featureMapDense: [shape[1], shape[0]]
            case .convolution: [shape[3], shape[2], shape[0], shape[1]]
            }
        }

        /// Calls `pair(pytorchIndex, fedzIndex)` for every element of a fedz parameter of
        /// `shape`, the PyTorch index running 0, 1, 2, … (row-major in PyTorch's shape).
        func forEachElement(of shape: [Int], _ pair: (Int, Int) -> Void) {
            switch self {
            case .identity, .secondBias:
                for index in 0..<shape.reduce(1, *) { pair(index, index) }
            case .transposed:
                let (rows, columns) = (shape[0], shape[1])
                for column in 0..<columns {
                    for row in 0..<rows { pair(column * rows + row, row * columns + column) }
                }
            case .convolution:
                let (height, width, inputs, outputs) = (shape[0], shape[1], shape[2], shape[3])
                var index = 0
                for output in 0..<outputs {
                    for input in 0..<inputs {
                        for y in 0..<height {
                            for x in 0..<width {
                                pair(index, ((y * width + x) * inputs + input) * outputs + output)
                                index += 1
                            }
                        }
                    }
                }
            case let .featureMapDense(height, width, channels):
                let outputs = shape[1]
                var index = 0
                for output in 0..<outputs {
                    for channel in 0..<channels {
                        for y in 0..<height {
                            for x in 0..<width {
                                pair(index, ((y * width + x) * channels + channel) * outputs + output)
                                index += 1
                            }
                        }
                    }
                }
            }
        }

        /// The PyTorch tensor of fedz `parameter`.
        func pytorch(_ parameter: Tensor) -> Tensor {
            var values = [Float](repeating: 0, count: parameter.count)
            if self != .secondBias {
                parameter.values.withUnsafeBufferPointer { source in
                    values.withUnsafeMutableBufferPointer { target in
                        forEachElement(of: parameter.shape) { target[$0] = source[$1] }
                    }
                }
            }
            return Tensor(shape: pytorchShape(of: parameter.shape), values: values)
        }

        /// Writes PyTorch `tensor` into fedz `parameter` (of the layer's shape) or, for the second
        /// bias, adds it.
        func fedz(_ tensor: Tensor, into parameter: inout Tensor) {
            let shape = parameter.shape
            let adds = self == .secondBias
            tensor.values.withUnsafeBufferPointer { source in
                parameter.values.withUnsafeMutableBufferPointer { target in
                    forEachElement(of: shape) { pytorch, fedz in
                        target[fedz] = adds ? target[fedz] + source[pytorch] : source[pytorch]
                    }
                }
            }
        }
    }
}
