/// A fedz network's parameters under the names and in the layouts of the equivalent `torch.nn`
/// module's state dict, so that `module.load_state_dict(safetensors.torch.load_file(path))`
/// loads them, and back (for `--init`, warm-starting a federation from such a file).
///
/// **The equivalent module** has one submodule per fedz layer, named as `fedz models describe`
/// prints the layer (`conv0`, `maxpool0`, `dense1`, …; e.g. an `nn.Sequential` over an
/// `OrderedDict`), so that its state dict's keys are the names below:
///
/// | fedz layer | PyTorch module | tensors (fedz → PyTorch) |
/// | --- | --- | --- |
/// | dense [in, out] | `nn.Linear(in, out)` | `NAME.weight` [out, in] (transposed), `NAME.bias` [out] |
/// | conv [kh, kw, cin, cout] | `nn.Conv2d(cin, cout, (kh, kw), stride, padding)` | `NAME.weight` [cout, cin, kh, kw], `NAME.bias` [cout] |
/// | embedding [vocabulary, dim] | `nn.Embedding(vocabulary, dim)` | `NAME.weight` [vocabulary, dim] |
/// | lstm: input [in, 4h], recurrent [h, 4h], bias [4h] | `nn.LSTM(in, h, batch_first=True)` | `NAME.weight_ih_l0` [4h, in], `NAME.weight_hh_l0` [4h, h], `NAME.bias_ih_l0` (fedz's bias), `NAME.bias_hh_l0` (zeros) |
/// | rnn: input [in, h], recurrent [h, h], bias [h] | `nn.RNN(in, h, batch_first=True)` (tanh) | the same four, with h for 4h |
///
/// fedz's LSTM gates already run in PyTorch's order (input, forget, cell, output), so its
/// column blocks become PyTorch's row blocks by transposing alone. PyTorch has two biases where
/// fedz has one: export writes fedz's as `bias_ih_l0` and zeros as `bias_hh_l0`; import adds
/// the two. 'same' padding is PyTorch's `padding="same"` at stride 1 (the odd extra row or
/// column below and right, as fedz does); pools are `nn.MaxPool2d`/`nn.AvgPool2d`, which pad
/// nothing, like fedz's.
///
/// **Channels.** fedz keeps images channels last ([height, width, channels], a [height, width]
/// input being one channel); PyTorch's modules take NCHW. The module's input is the fedz
/// sample with the channels moved first ([N, 1, H, W] for a [H, W] input). Convolutions and
/// pools give the same maps in either order, but a flatten does not: fedz flattens a [H, W, C]
/// map in (h, w, c) order, `nn.Flatten` an NCHW one in (c, h, w) order. So the weight of a
/// dense layer whose input is a flattened (or, implicitly, a whole) [H, W, C] map with C > 1 and
/// H·W > 1 has its input columns permuted (`Arrangement.featureMapDense`): the file holds what
/// makes `nn.Flatten` followed by `nn.Linear` compute fedz's outputs. A dense layer over a
/// sequence ([steps, features]) acts on the last axis in both and is only transposed.
public struct PyTorchLayout: Sendable, Equatable {
    /// One tensor of the state dict.
    public struct Entry: Sendable, Equatable {
        /// PyTorch's state-dict key, e.g. "conv0.weight" or "lstm0.weight_ih_l0".
        public var name: String
        /// The tensor's shape in PyTorch's layout.
        public var shape: [Int]
        /// The fedz parameter it is laid out from: an index into `parameters`.
        public var parameter: Int
        public var arrangement: Arrangement
    }

    /// The definition's name, for messages.
    public let model: String
    /// The network's parameters, in `Sequential.parameters()` order.
    public let parameters: [ParameterSpec]
    /// The state dict's tensors, layer by layer in the network's order.
    public let entries: [Entry]

    /// The layout of `definition`'s network (built once, to read its layers).
    public init(_ definition: ModelDefinition) throws(LearningError) {
        try self.init(network: try definition.build(seed: 0), model: definition.name)
    }

    /// The layout of `network`, named `model` in messages.
    init(network: Sequential, model: String) throws(LearningError) {
        var shape = network.inputShape
        // The [H, W, C] map the current activation is a flattening of, if it is one.
        var featureMap: [Int]?
        var counts: [String: Int] = [:]
        var entries: [Entry] = []
        var parameter = 0
        for layer in network.layers {
            let number = counts[layer.kind, default: 0]
            counts[layer.kind] = number + 1
            let name = "\(layer.kind)\(number)"
            func add(_ suffix: String, _ offset: Int, _ arrangement: Arrangement) {
                let fedzShape = network.parameterSpecs[parameter + offset].shape
                entries.append(Entry(
                    name: "\(name).\(suffix)", shape: arrangement.pytorchShape(of: fedzShape), parameter: parameter + offset,
                    arrangement: arrangement))
            }
            switch layer {
            case let dense as Dense:
                let flattens = !(shape.count >= 2 && shape.last == dense.inputs)
                let map = shape.count == 3 ? shape : featureMap
                if flattens, let map, map[2] > 1, map[0] * map[1] > 1 {
                    add("weight", 0, .featureMapDense(height: map[0], width: map[1], channels: map[2]))
                } else {
                    add("weight", 0, .transposed)
                }
                add("bias", 1, .identity)
                featureMap = nil
            case is Conv2D:
                add("weight", 0, .convolution)
                add("bias", 1, .identity)
                featureMap = nil
            case is Embedding:
                add("weight", 0, .identity)
                featureMap = nil
            case is LSTM, is RNN:
                add("weight_ih_l0", 0, .transposed)
                add("weight_hh_l0", 1, .transposed)
                add("bias_ih_l0", 2, .identity)
                add("bias_hh_l0", 2, .secondBias)
                featureMap = nil
            case is Flatten:
                if shape.count == 3 { featureMap = shape }
            case is ReLU, is Squashing, is Dropout:
                break
            default:
                guard layer.parameters.isEmpty else {
                    throw LearningError(.modelDefinition(layer: nil, part: name, reason: "a \(layer.kind) layer has no PyTorch layout"))
                }
                featureMap = nil
            }
            parameter += layer.parameters.count
            // The network chained these layers, so each takes its predecessor's output.
            shape = layer.outputShape(for: shape) ?? shape
        }
        (self.model, self.parameters, self.entries) = (model, network.parameterSpecs, entries)
    }

    /// The state dict of `weights` (the network's parameters, checked against it), in `entries` order.
    public func pytorchTensors(from weights: [Tensor]) throws(LearningError) -> [NamedTensor] {
        do {
            try checkParameters(weights, fit: parameters)
        } catch let error as LearningError {
            throw error
        } catch {
            throw LearningError(.invalidConfig("\(error)"))
        }
        return entries.map { NamedTensor(name: $0.name, tensor: $0.arrangement.pytorch(weights[$0.parameter])) }
    }

    /// The network's parameters from a state dict read from file `path`, which must hold exactly
    /// `entries`' names and shapes with finite values. The error names the first tensor missing or
    /// misshapen in the network's order, else the first one the network lacks in the file's.
    public func weights(from tensors: [NamedTensor], path: String) throws(LearningError) -> [Tensor] {
        func fail(_ reason: String) -> LearningError { LearningError(.malformedFile(path: path, reason: reason)) }
        var byName: [String: Tensor] = [:]
        for named in tensors {
            guard byName.updateValue(named.tensor, forKey: named.name) == nil else { throw fail("holds tensor '\(named.name)' twice") }
        }
        let known = Set(entries.map(\.name))
        let strangers = tensors.map(\.name).filter { !known.contains($0) }
        for entry in entries {
            guard let tensor = byName[entry.name] else {
                let hint = strangers.isEmpty ? "" : "; the file has tensors the model lacks, e.g. '\(strangers[0])'"
                throw fail("has no tensor '\(entry.name)', which model \(model) needs with shape \(entry.shape)\(hint)")
            }
            guard tensor.shape == entry.shape else {
                throw fail("tensor '\(entry.name)' has shape \(tensor.shape); model \(model) needs \(entry.shape) (PyTorch's layout)")
            }
            if let index = tensor.values.firstIndex(where: { !$0.isFinite }) {
                throw fail("tensor '\(entry.name)' holds a non-finite value (\(tensor.values[index])) at index \(index)")
            }
        }
        if let stranger = strangers.first {
            throw fail("tensor '\(stranger)' is not a parameter of model \(model), whose tensors are \(entries.map(\.name).joined(separator: ", "))")
        }
        var weights = parameters.map { Tensor(zeros: $0.shape) }
        // Every parameter is written by its own tensor first; a second bias is then added.
        for entry in entries.filter({ $0.arrangement != .secondBias }) + entries.filter({ $0.arrangement == .secondBias }) {
            entry.arrangement.fedz(byName[entry.name]!, into: &weights[entry.parameter])
        }
        for (spec, tensor) in zip(parameters, weights) {
            if let index = tensor.values.firstIndex(where: { !$0.isFinite }) {
                throw fail("parameter \(spec.name): the sum of its two PyTorch biases overflows at index \(index)")
            }
        }
        return weights
    }
}
