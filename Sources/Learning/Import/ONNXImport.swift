/// A network exported from PyTorch (`torch.onnx.export`) as a fedz model definition and its
/// weights in fedz's layouts, so that it trains in a federation: the graph must be a chain from
/// its input to its output of the operators that map onto fedz's layers — Conv, Gemm or
/// MatMul + Add, Relu, Tanh, Sigmoid, MaxPool, AveragePool, Flatten or a Reshape to
/// [batch, features], Dropout, and a final Softmax or LogSoftmax (the classification head) —
/// and anything else is refused by name. PyTorch's images are channels-first and fedz's
/// channels-last: convolution kernels are reordered, and the dense layer after a flatten gets its
/// input rows permuted from PyTorch's (channel, row, column) order to fedz's (row, column,
/// channel), so that the imported network computes the same function.
public enum ONNXImport {
    /// The definition (named `name`, a classifier) and the initial weights, in
    /// `Sequential.parameters()` order, of the ONNX model in `bytes`; `path` names it in errors.
    public static func network(
        _ bytes: [UInt8], name: String, path: String
    ) throws(LearningError) -> (definition: ModelDefinition, weights: [Tensor]) {
        let file = try ONNXFile(bytes: bytes, path: path)
        func fail(_ reason: String) -> LearningError { LearningError(.malformedFile(path: path, reason: "ONNX import: \(reason)")) }
        guard file.inputs.count == 1, let input = file.inputs.first else {
            throw fail("the graph has \(file.inputs.count) inputs; one (the samples) is imported")
        }
        var chain = Chain(file: file, current: input.name, fail: fail)
        let sample = input.dims.dropFirst().map { $0 ?? 0 }
        guard !sample.isEmpty, sample.allSatisfy({ $0 > 0 }) else {
            throw fail("input \(input.name) has shape \(input.dims.map { $0.map(String.init) ?? "?" }); every axis but the batch must be fixed")
        }
        // PyTorch images [channels, height, width] are fedz's [height, width, channels] (one channel: [height, width]).
        let fedzInput = sample.count == 3 ? (sample[0] == 1 ? [sample[1], sample[2]] : [sample[1], sample[2], sample[0]]) : sample
        chain.layout = sample.count == 3 ? .image(channels: sample[0], height: sample[1], width: sample[2]) : .flat(sample.reduce(1, *))
        for node in file.nodes { try chain.take(node) }
        try chain.finish()
        guard file.outputs.contains(chain.current) || chain.ended else {
            throw fail("the chain of supported operators ends at \(chain.current), not at the graph's output")
        }
        let definition = ModelDefinition(name: name, input: fedzInput, head: .classification, layers: chain.layers)
        let network = try definition.build(seed: 0)
        do {
            try network.setParameters(chain.weights)
        } catch {
            throw fail("the weights do not fit the network: \(error)")
        }
        return (definition, chain.weights)
    }

    /// The nodes taken so far: the layers and weights they became, and where the chain stands.
    private struct Chain {
        enum Layout {
            case image(channels: Int, height: Int, width: Int)
            /// Features of a flatten of an image whose next dense layer must permute its rows.
            case flattenedImage(channels: Int, height: Int, width: Int)
            case flat(Int)
        }

        let file: ONNXFile
        var current: String
        let fail: (String) -> LearningError
        var layout = Layout.flat(0)
        var layers: [LayerDefinition] = []
        var weights: [Tensor] = []
        /// A MatMul waiting for its Add.
        var pendingMatMul: (weight: Tensor, inputs: Int, outputs: Int)?
        /// Past the head (Softmax): nothing more is taken.
        var ended = false

        init(file: ONNXFile, current: String, fail: @escaping (String) -> LearningError) {
            (self.file, self.current, self.fail) = (file, current, fail)
        }

        func constant(_ name: String, of node: ONNXFile.Node) throws(LearningError) -> Tensor {
            guard let tensor = file.initializers[name] else { throw fail("\(node.op) \(node.name): input \(name) is not a constant") }
            return tensor
        }

        mutating func take(_ node: ONNXFile.Node) throws(LearningError) {
            guard !ended else { throw fail("\(node.op) \(node.name) after the softmax head") }
            guard node.inputs.first == current else {
                throw fail("\(node.op) \(node.name) does not continue the chain from \(current): only a chain of layers is imported")
            }
            guard pendingMatMul == nil || node.op == "Add" else { throw fail("MatMul before \(node.name) without a bias Add") }
            switch node.op {
            case "Conv": try convolution(node)
            case "Gemm": try gemm(node)
            case "MatMul":
                let weight = try constant(node.inputs[1], of: node)
                guard weight.shape.count == 2 else { throw fail("MatMul \(node.name): weight of shape \(weight.shape)") }
                pendingMatMul = (weight, weight.shape[0], weight.shape[1])
            case "Add":
                guard let matmul = pendingMatMul else { throw fail("Add \(node.name) not after a MatMul") }
                let bias = try constant(node.inputs[1], of: node)
                guard bias.values.count == matmul.outputs else { throw fail("Add \(node.name): bias of shape \(bias.shape)") }
                pendingMatMul = nil
                try dense(weight: matmul.weight, bias: Tensor(shape: [matmul.outputs], values: bias.values), node: node)
            case "Relu": layers.append(.relu)
            case "Tanh": layers.append(.tanh)
            case "Sigmoid": layers.append(.sigmoid)
            case "MaxPool", "AveragePool": try pool(node)
            case "Flatten", "Reshape": try flatten(node)
            case "Dropout":
                let ratio = node.inputs.count > 1 ? file.initializers[node.inputs[1]]?.values.first : nil
                layers.append(.dropout(rate: ratio ?? node.floats["ratio"] ?? 0.5))
            case "Identity": break
            case "Softmax", "LogSoftmax": ended = true
            default:
                throw fail("operator \(node.op) (node \(node.name)) is not supported; fedz imports Conv, Gemm, MatMul + Add, Relu, Tanh, Sigmoid, MaxPool, AveragePool, Flatten, Reshape, Dropout, Softmax")
            }
            current = node.outputs[0]
        }

        /// A MatMul that ends the graph is a dense layer without a bias.
        mutating func finish() throws(LearningError) {
            guard let matmul = pendingMatMul, let node = file.nodes.last else { return }
            pendingMatMul = nil
            try dense(weight: matmul.weight, bias: Tensor(zeros: [matmul.outputs]), node: node)
        }

        mutating func convolution(_ node: ONNXFile.Node) throws(LearningError) {
            guard case let .image(channels, height, width) = layout else { throw fail("Conv \(node.name) on a flat input") }
            let weight = try constant(node.inputs[1], of: node)
            guard weight.shape.count == 4, weight.shape[1] == channels else {
                throw fail("Conv \(node.name): kernel of shape \(weight.shape) for \(channels) channels")
            }
            let (filters, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
            let strides = node.ints["strides"] ?? [1, 1], pads = node.ints["pads"] ?? [0, 0, 0, 0]
            guard (node.ints["group"] ?? [1]) == [1], (node.ints["dilations"] ?? [1, 1]) == [1, 1] else {
                throw fail("Conv \(node.name): groups and dilations are not supported")
            }
            guard strides.count == 2, strides[0] == strides[1], pads.count == 4, pads[0] == pads[2], pads[1] == pads[3],
                  (node.strings["auto_pad"] ?? "NOTSET") == "NOTSET" || node.strings["auto_pad"] == "VALID"
            else { throw fail("Conv \(node.name): strides \(strides) and pads \(pads) must be the same on both sides and axes") }
            let bias = node.inputs.count > 2 ? try constant(node.inputs[2], of: node) : Tensor(zeros: [filters])
            layers.append(.conv2d(
                filters: filters, kernel: [kh, kw], stride: strides[0],
                padding: pads == [0, 0, 0, 0] ? .valid : .explicit(rows: pads[0], columns: pads[1]), initialization: nil))
            // [filters, channels, kh, kw] → fedz's [kh, kw, channels, filters].
            var kernel = Tensor(zeros: [kh, kw, channels, filters])
            PyTorchLayout.Arrangement.convolution.fedz(weight, into: &kernel)
            weights.append(kernel)
            weights.append(Tensor(shape: [filters], values: bias.values))
            let outHeight = (height + 2 * pads[0] - kh) / strides[0] + 1, outWidth = (width + 2 * pads[1] - kw) / strides[0] + 1
            layout = .image(channels: filters, height: outHeight, width: outWidth)
        }

        mutating func pool(_ node: ONNXFile.Node) throws(LearningError) {
            guard case let .image(channels, height, width) = layout else { throw fail("\(node.op) \(node.name) on a flat input") }
            let size = node.ints["kernel_shape"] ?? [], strides = node.ints["strides"] ?? size
            guard size.count == 2, strides.count == 2, strides[0] == strides[1], (node.ints["pads"] ?? [0, 0, 0, 0]).allSatisfy({ $0 == 0 }),
                  (node.ints["ceil_mode"] ?? [0]) == [0], (node.ints["dilations"] ?? [1, 1]) == [1, 1]
            else { throw fail("\(node.op) \(node.name): fedz pools without padding, with one stride for both axes") }
            layers.append(node.op == "MaxPool" ? .maxPool2d(size: size, stride: strides[0]) : .avgPool2d(size: size, stride: strides[0]))
            layout = .image(channels: channels, height: (height - size[0]) / strides[0] + 1, width: (width - size[1]) / strides[0] + 1)
        }

        mutating func flatten(_ node: ONNXFile.Node) throws(LearningError) {
            if node.op == "Reshape" {
                let shape = try constant(node.inputs[1], of: node).values.map { Int($0) }
                guard shape.count == 2, shape[0] <= 1 else { throw fail("Reshape \(node.name) to \(shape): only a flatten to [batch, features] is imported") }
            } else {
                guard (node.ints["axis"] ?? [1]) == [1] else { throw fail("Flatten \(node.name) on axis \(node.ints["axis"]!)") }
            }
            guard case let .image(channels, height, width) = layout else { return }
            layers.append(.flatten)
            layout = .flattenedImage(channels: channels, height: height, width: width)
        }

        mutating func gemm(_ node: ONNXFile.Node) throws(LearningError) {
            guard (node.floats["alpha"] ?? 1) == 1, (node.floats["beta"] ?? 1) == 1, (node.ints["transA"] ?? [0]) == [0] else {
                throw fail("Gemm \(node.name): only alpha = beta = 1 without transA")
            }
            var weight = try constant(node.inputs[1], of: node)
            guard weight.shape.count == 2 else { throw fail("Gemm \(node.name): weight of shape \(weight.shape)") }
            // To fedz's [inputs, outputs]: PyTorch's Linear exports [out, in] with transB.
            if (node.ints["transB"] ?? [0]) == [1] { weight = PyTorchLayout.Arrangement.transposed.pytorch(weight) }
            let outputs = weight.shape[1]
            let bias = node.inputs.count > 2 ? try constant(node.inputs[2], of: node) : Tensor(zeros: [outputs])
            guard bias.values.count == outputs else { throw fail("Gemm \(node.name): bias of shape \(bias.shape)") }
            try dense(weight: weight, bias: Tensor(shape: [outputs], values: bias.values), node: node)
        }

        /// A dense layer of `weight` [inputs, outputs] over the current features; after a flatten
        /// of an image its rows go from PyTorch's (channel, row, column) order to fedz's.
        mutating func dense(weight: Tensor, bias: Tensor, node: ONNXFile.Node) throws(LearningError) {
            let (inputs, outputs) = (weight.shape[0], weight.shape[1])
            var parameter = weight
            switch layout {
            case let .flattenedImage(channels, height, width), let .image(channels, height, width):
                guard inputs == channels * height * width else {
                    throw fail("\(node.op) \(node.name) takes \(inputs) features, the layer before gives \(channels * height * width)")
                }
                PyTorchLayout.Arrangement.featureMapDense(height: height, width: width, channels: channels)
                    .fedz(PyTorchLayout.Arrangement.transposed.pytorch(weight), into: &parameter)
            case .flat(let features):
                guard inputs == features else { throw fail("\(node.op) \(node.name) takes \(inputs) features, the layer before gives \(features)") }
            }
            layers.append(.dense(outputs: outputs, initialization: nil))
            weights += [parameter, bias]
            layout = .flat(outputs)
        }
    }
}
