/// A network from its definition and weights as an ONNX model that onnxruntime (or any ONNX
/// runtime of opset 17) runs to the same logits as fedz. The graph keeps fedz's channels-last
/// layout between layers — its input is the definition's per-sample input with a batch axis in
/// front, [batch, …input], token ids as floats for a next-token model — and transposes to ONNX's
/// channels-first layout only around each convolution and pooling, so that a flatten sees the
/// features in fedz's order; its output `logits` is [batch, classes] or [batch, steps, vocabulary].
/// Dropout, an identity outside training, is left out.
public enum ONNXExport {
    /// The encoded ONNX model of `definition` with `weights` (in `Sequential.parameters()` order).
    public static func model(_ definition: ModelDefinition, weights: [Tensor]) throws(LearningError) -> [UInt8] {
        let rows = try definition.describe()
        var builder = Builder(input: definition.input, weights: weights)
        for (index, (layer, row)) in zip(definition.layers, rows).enumerated() {
            try builder.add(layer, output: row.outputShape, named: row.name, index: index)
        }
        guard builder.next == weights.count else {
            throw LearningError(.parameterCount(expected: builder.next, actual: weights.count))
        }
        builder.graph.nodes.append(ONNXGraph.Node(op: "Identity", inputs: [builder.current], outputs: ["logits"]))
        builder.graph.inputs = [ONNXGraph.Value(name: "input", sampleShape: definition.input)]
        builder.graph.outputs = [ONNXGraph.Value(name: "logits", sampleShape: builder.shape)]
        builder.graph.name = definition.name
        return ONNXGraph.encode(builder.graph, producerVersion: "1")
    }

    /// Walks the layers, adding each one's nodes after the current tensor.
    private struct Builder {
        var graph = ONNXGraph.Graph(name: "")
        /// The tensor the next layer reads, and its per-sample shape (channels last).
        var current = "input"
        var shape: [Int]
        let weights: [Tensor]
        /// The next unused weight tensor.
        var next = 0

        init(input: [Int], weights: [Tensor]) {
            (shape, self.weights) = (input, weights)
        }

        /// The next weight tensor, of `expected` shape.
        mutating func weight(_ expected: [Int], layer: Int) throws(LearningError) -> Tensor {
            guard next < weights.count else { throw LearningError(.parameterCount(expected: next + 1, actual: weights.count)) }
            let tensor = weights[next]
            guard tensor.shape == expected else {
                throw LearningError(.parameterShape(name: "layer \(layer + 1)", expected: expected, actual: tensor.shape))
            }
            next += 1
            return tensor
        }

        mutating func constant(_ name: String, _ values: [Float], _ dims: [Int]) -> String {
            graph.initializers.append(ONNXGraph.Initializer(name: name, floats: values, dims: dims))
            return name
        }

        mutating func constant(_ name: String, int64s: [Int]) -> String {
            graph.initializers.append(ONNXGraph.Initializer(name: name, int64s: int64s, dims: [int64s.count]))
            return name
        }

        /// Appends a node reading the current tensor (then `extra` inputs); its output becomes current.
        mutating func node(_ op: String, _ output: String, extra: [String] = [], _ attributes: [ONNXGraph.Attribute] = []) {
            graph.nodes.append(ONNXGraph.Node(op: op, inputs: [current] + extra, outputs: [output], attributes: attributes))
            current = output
        }

        mutating func add(_ layer: LayerDefinition, output: [Int], named name: String, index: Int) throws(LearningError) {
            switch layer {
            case .dense(let outputs, _):
                // Over the last axis when the rank is kept (every step of a sequence), else over the flattened sample.
                let perRow = shape.count >= 2 && output.count == shape.count
                let inputs = perRow ? shape[shape.count - 1] : shape.reduce(1, *)
                if !perRow && shape.count > 1 { node("Flatten", "\(name).flat", [.int("axis", 1)]) }
                let w = try weight([inputs, outputs], layer: index), b = try weight([outputs], layer: index)
                node("MatMul", "\(name).matmul", extra: [constant("\(name).weight", w.values, w.shape)])
                node("Add", name, extra: [constant("\(name).bias", b.values, b.shape)])
            case .conv2d(let filters, let kernel, let stride, let padding, _):
                let (height, width, channels) = (shape[0], shape[1], shape.count == 3 ? shape[2] : 1)
                let w = try weight([kernel[0], kernel[1], channels, filters], layer: index), b = try weight([filters], layer: index)
                var pads = [0, 0, 0, 0]
                switch padding {
                case .valid: break
                case .same:
                    let rows = max((output[0] - 1) * stride + kernel[0] - height, 0)
                    let columns = max((output[1] - 1) * stride + kernel[1] - width, 0)
                    pads = [rows / 2, columns / 2, rows - rows / 2, columns - columns / 2]
                case let .explicit(rows, columns): pads = [rows, columns, rows, columns]
                }
                toChannelsFirst(name, height: height, width: width, channels: channels)
                let filtersFirst = PyTorchLayout.Arrangement.convolution.pytorch(w)  // ONNX's Conv kernels are PyTorch's
                node("Conv", "\(name).conv", extra: [
                    constant("\(name).weight", filtersFirst.values, filtersFirst.shape),
                    constant("\(name).bias", b.values, [filters]),
                ], [.ints("kernel_shape", kernel), .ints("strides", [stride, stride]), .ints("pads", pads)])
                node("Transpose", name, [.ints("perm", [0, 2, 3, 1])])
            case .maxPool2d(let size, let stride), .avgPool2d(let size, let stride):
                let op = if case .maxPool2d = layer { "MaxPool" } else { "AveragePool" }
                toChannelsFirst(name, height: shape[0], width: shape[1], channels: shape[2])
                let step = stride ?? size[0]
                node(op, "\(name).pool", [.ints("kernel_shape", size), .ints("strides", [step, step])])
                node("Transpose", name, [.ints("perm", [0, 2, 3, 1])])
            case .flatten:
                node("Flatten", name, [.int("axis", 1)])
            case .dropout:
                break
            case .relu: node("Relu", name)
            case .tanh: node("Tanh", name)
            case .sigmoid: node("Sigmoid", name)
            case .embedding(let vocabulary, let dimensions):
                let w = try weight([vocabulary, dimensions], layer: index)
                let table = constant("\(name).weight", w.values, w.shape)
                node("Cast", "\(name).ids", [.int("to", ONNXGraph.Initializer.DataType.int64.rawValue)])
                graph.nodes.append(ONNXGraph.Node(op: "Gather", inputs: [table, current], outputs: [name], attributes: [.int("axis", 0)]))
                current = name
            case .rnn(let hidden), .lstm(let hidden):
                let isLSTM = if case .lstm = layer { true } else { false }
                let (inputs, gates) = (shape[1], isLSTM ? 4 : 1)
                let w = try weight([inputs, gates * hidden], layer: index), r = try weight([hidden, gates * hidden], layer: index)
                let b = try weight([gates * hidden], layer: index)
                // fedz's gate blocks are i, f, g, o; ONNX's LSTM wants i, o, f, c.
                let order = isLSTM ? [0, 3, 1, 2] : [0]
                let blocks = { (t: Tensor, rows: Int) in Self.gateRows(t, rows: rows, hidden: hidden, order: order) }
                node("Transpose", "\(name).steps_first", [.ints("perm", [1, 0, 2])])
                node(isLSTM ? "LSTM" : "RNN", "\(name).all", extra: [
                    constant("\(name).W", blocks(w, inputs), [1, gates * hidden, inputs]),
                    constant("\(name).R", blocks(r, hidden), [1, gates * hidden, hidden]),
                    constant("\(name).B", order.flatMap { Array(b.values[($0 * hidden)..<(($0 + 1) * hidden)]) }
                        + [Float](repeating: 0, count: gates * hidden), [1, 2 * gates * hidden]),
                ], [.int("hidden_size", hidden)])
                node("Squeeze", "\(name).one_direction", extra: [constant("\(name).axes", int64s: [1])])
                node("Transpose", name, [.ints("perm", [1, 0, 2])])
            }
            shape = output
        }

        /// NHWC (or NHW, one channel) to NCHW before a convolution or pooling.
        mutating func toChannelsFirst(_ name: String, height: Int, width: Int, channels: Int) {
            if shape.count == 2 {
                node("Reshape", "\(name).channel", extra: [constant("\(name).shape", int64s: [-1, height, width, channels])])
            }
            node("Transpose", "\(name).channels_first", [.ints("perm", [0, 3, 1, 2])])
        }

        /// `tensor` ([rows, gates·hidden], gate blocks as columns) as ONNX's [gates·hidden, rows],
        /// its gate blocks in `order`.
        static func gateRows(_ tensor: Tensor, rows: Int, hidden: Int, order: [Int]) -> [Float] {
            let columns = order.count * hidden
            return order.flatMap { block in
                (0..<hidden).flatMap { unit in (0..<rows).map { row in tensor.values[row * columns + block * hidden + unit] } }
            }
        }
    }
}
