import Foundation
@testable import Learning
import Testing

/// `PyTorchLayout`: small dense, convolution and LSTM cases computed by hand; every built-in
/// network and a few small ones give through `PyTorchReference` (PyTorch's semantics over
/// PyTorch's layouts) the outputs fedz computes; a file that does not fit the model is refused
/// naming the first mismatch.
extension LearningTests {
    @Suite struct PyTorchLayoutTests {
        /// `definition`'s network with `weights` set, and its PyTorch state dict by name.
        static func export(_ definition: ModelDefinition, _ weights: [Tensor]) throws -> [String: Tensor] {
            let layout = try PyTorchLayout(definition)
            return Dictionary(uniqueKeysWithValues: try layout.pytorchTensors(from: weights).map { ($0.name, $0.tensor) })
        }

        /// Weights 0, 1, 2, … in every parameter of `definition`'s network.
        static func counting(_ definition: ModelDefinition) throws -> [Tensor] {
            try definition.build(seed: 0).parameterSpecs.map { Tensor(shape: $0.shape, values: (0..<$0.count).map(Float.init)) }
        }

        @Test func aDenseWeightIsTransposed() throws {
            let definition = ModelDefinition(name: "d", input: [3], head: .classification, layers: [.dense(outputs: 2)])
            // fedz [inputs, outputs]: rows [1, 2], [3, 4], [5, 6].
            let state = try Self.export(definition, [Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6]), Tensor(shape: [2], values: [7, 8])])
            #expect(state["dense0.weight"] == Tensor(shape: [2, 3], values: [1, 3, 5, 2, 4, 6]))
            #expect(state["dense0.bias"] == Tensor(shape: [2], values: [7, 8]))
            #expect(state.count == 2)
        }

        @Test func aConvolutionGoesChannelsFirstAndTheDenseAfterItsFlattenIsPermuted() throws {
            // [2, 2, 2] input → conv 1×2, 2 filters → [2, 1, 2] (H = 2, W = 1, C = 2) → flatten → dense 2.
            let definition = ModelDefinition(name: "c", input: [2, 2, 2], head: .classification, layers: [
                .conv2d(filters: 2, kernel: [1, 2]), .flatten, .dense(outputs: 2),
            ])
            let weights = try Self.counting(definition)
            #expect(weights.map(\.shape) == [[1, 2, 2, 2], [2], [4, 2], [2]])
            let state = try Self.export(definition, weights)
            // fedz conv weight[ky][kx][in][out] = ((ky·2 + kx)·2 + in)·2 + out; PyTorch's [out][in][ky][kx]:
            // out 0: in 0 (kx 0, 1) → 0, 4; in 1 → 2, 6. out 1: in 0 → 1, 5; in 1 → 3, 7.
            #expect(state["conv0.weight"] == Tensor(shape: [2, 2, 1, 2], values: [0, 4, 2, 6, 1, 5, 3, 7]))
            #expect(state["conv0.bias"] == Tensor(shape: [2], values: [0, 1]))
            // fedz dense row r = (h·1 + w)·2 + c holds [2r, 2r + 1]; nn.Flatten's column (c·2 + h)·1 + w
            // reads fedz rows 0, 2, 1, 3 in that order.
            #expect(state["dense0.weight"] == Tensor(shape: [2, 4], values: [0, 4, 2, 6, 1, 5, 3, 7]))
            let layout = try PyTorchLayout(definition)
            #expect(layout.entries.map(\.arrangement) == [
                .convolution, .identity, .featureMapDense(height: 2, width: 1, channels: 2), .identity,
            ])
        }

        @Test func aDenseAfterOneChannelOrASequenceIsOnlyTransposed() throws {
            let oneChannel = ModelDefinition(name: "o", input: [4, 4], head: .classification, layers: [
                .conv2d(filters: 1, kernel: [3, 3]), .relu, .flatten, .dense(outputs: 2),
            ])
            #expect(try PyTorchLayout(oneChannel).entries[2].arrangement == .transposed)
            let sequence = ModelDefinition(name: "s", input: [5], head: .nextToken, layers: [
                .embedding(vocabulary: 4, dimensions: 3), .rnn(hidden: 2), .dense(outputs: 4),
            ])
            #expect(try PyTorchLayout(sequence).entries.map(\.arrangement) == [
                .identity, .transposed, .transposed, .identity, .secondBias, .transposed, .identity,
            ])
        }

        @Test func anLSTMKeepsItsGateOrderAndGainsAZeroSecondBias() throws {
            let definition = ModelDefinition(name: "l", input: [2], head: .nextToken, layers: [
                .embedding(vocabulary: 3, dimensions: 2), .lstm(hidden: 1), .dense(outputs: 3),
            ])
            let state = try Self.export(definition, try Self.counting(definition))
            #expect(state["embedding0.weight"] == Tensor(shape: [3, 2], values: [0, 1, 2, 3, 4, 5]))
            // fedz input weight [2, 4] (columns i, f, g, o) → weight_ih_l0 [4, 2] (rows i, f, g, o).
            #expect(state["lstm0.weight_ih_l0"] == Tensor(shape: [4, 2], values: [0, 4, 1, 5, 2, 6, 3, 7]))
            #expect(state["lstm0.weight_hh_l0"] == Tensor(shape: [4, 1], values: [0, 1, 2, 3]))
            #expect(state["lstm0.bias_ih_l0"] == Tensor(shape: [4], values: [0, 1, 2, 3]))
            #expect(state["lstm0.bias_hh_l0"] == Tensor(zeros: [4]))
            #expect(state["dense0.weight"] == Tensor(shape: [3, 1], values: [0, 1, 2]))
        }

        @Test func importAddsPyTorchsTwoBiases() throws {
            let definition = ModelDefinition(name: "l", input: [2], head: .nextToken, layers: [
                .embedding(vocabulary: 3, dimensions: 2), .lstm(hidden: 1), .dense(outputs: 3),
            ])
            let layout = try PyTorchLayout(definition)
            var tensors = try layout.pytorchTensors(from: try Self.counting(definition))
            let second = try #require(tensors.firstIndex { $0.name == "lstm0.bias_hh_l0" })
            tensors[second].tensor = Tensor(shape: [4], values: [0.5, -1, 2, 10])
            let weights = try layout.weights(from: tensors.reversed(), path: "torch.safetensors")
            #expect(weights[3] == Tensor(shape: [4], values: [0.5, 0, 4, 13]))
        }

        /// Small networks that exercise each rule: several channels flattened, an implicit flatten,
        /// strides, explicit padding, pools, a channels-last input, both recurrent layers.
        static let small: [String: ModelDefinition] = Dictionary(uniqueKeysWithValues: [
            ModelDefinition(name: "conv-same", input: [6, 6, 2], head: .classification, layers: [
                .conv2d(filters: 3, kernel: [3, 3], padding: .same), .relu, .maxPool2d(size: [2, 2]), .flatten, .dropout(rate: 0.5),
                .dense(outputs: 4), .sigmoid, .dense(outputs: 3),
            ]),
            ModelDefinition(name: "conv-implicit", input: [7, 5], head: .classification, layers: [
                .conv2d(filters: 4, kernel: [2, 3], stride: 2, padding: .explicit(rows: 1, columns: 2)), .tanh,
                .avgPool2d(size: [2, 2], stride: 1), .dense(outputs: 3),
            ]),
            ModelDefinition(name: "lstm", input: [6], head: .nextToken, layers: [
                .embedding(vocabulary: 5, dimensions: 3), .lstm(hidden: 4), .rnn(hidden: 3), .dense(outputs: 5),
            ]),
        ].map { ($0.name, $0) })

        /// `definition`'s network from seed 3, with biases drawn too (a fresh network's are zero).
        static func network(_ definition: ModelDefinition) throws -> Sequential {
            let network = try definition.build(seed: 3)
            var generator = SeededGenerator(seed: 4)
            try network.setParameters(network.parameters().map { tensor in
                tensor.shape.count == 1 ? Fixtures.randomTensor(tensor.shape, in: -0.5...0.5, generator: &generator) : tensor
            })
            return network
        }

        /// The largest |Δ| between fedz's output and PyTorch's semantics on the exported state dict.
        static func largestDifference(_ definition: ModelDefinition) throws -> Float {
            let network = try network(definition)
            let state = try export(definition, network.parameters())
            var generator = SeededGenerator(seed: 8)
            let sample: [Float] = if case let .embedding(vocabulary, _) = definition.layers.first {
                (0..<definition.input[0]).map { _ in Float(Int.random(in: 0..<vocabulary, using: &generator)) }
            } else {
                (0..<definition.input.reduce(1, *)).map { _ in Float.random(in: 0...1, using: &generator) }
            }
            let fedz = network.predict(Tensor(shape: [1] + definition.input, values: sample)).values
            let torch = try PyTorchReference.forward(definition, state: state, sample: sample)
            #expect(fedz.count == torch.count)
            return zip(fedz, torch).map { abs($0 - $1) }.max() ?? .infinity
        }

        @Test(arguments: small.keys.sorted())
        func smallNetworksComputeWhatPyTorchWould(_ name: String) throws {
            let definition = try #require(Self.small[name])
            let difference = try Self.largestDifference(definition)
            #expect(difference < 1e-5, "\(definition.name): max |Δ| \(difference)")
        }

        @Test(arguments: ModelDefinition.builtIn.keys.sorted())
        func builtInNetworksComputeWhatPyTorchWould(_ name: String) throws {
            let definition = try #require(ModelDefinition.builtIn[name])
            let difference = try Self.largestDifference(definition)
            #expect(difference < 1e-4, "\(name): max |Δ| \(difference)")
        }

        @Test(arguments: ModelDefinition.builtIn.keys.sorted())
        func exportThenImportGivesTheParametersBack(_ name: String) throws {
            let definition = try #require(ModelDefinition.builtIn[name])
            let layout = try PyTorchLayout(definition)
            let weights = try Self.network(definition).parameters()
            #expect(try layout.weights(from: layout.pytorchTensors(from: weights), path: "x") == weights)
            #expect(layout.parameters == (try definition.build(seed: 0)).parameterSpecs)
        }

        /// `cnn`'s layout and a state dict of it.
        static let cnn = Result { () throws -> (PyTorchLayout, [NamedTensor]) in
            let definition = ModelDefinition.builtIn["cnn"]!
            let layout = try PyTorchLayout(definition)
            return (layout, try layout.pytorchTensors(from: try definition.build(seed: 1).parameters()))
        }

        /// The description of the error importing `cnn`'s state dict after `change` throws.
        static func problem(_ change: (inout [NamedTensor]) -> Void) throws -> String {
            let (layout, original) = try cnn.get()
            var tensors = original
            change(&tensors)
            do {
                _ = try layout.weights(from: tensors, path: "init.safetensors")
                return "accepted"
            } catch {
                return error.description
            }
        }

        @Test func aFileThatDoesNotFitTheModelIsRefusedNamingTheFirstMismatch() throws {
            #expect(try Self.problem { $0.remove(at: 2) } == "file init.safetensors: has no tensor 'conv1.weight', which model cnn needs with shape [64, 32, 5, 5]")
            #expect(try Self.problem { tensors in
                tensors[4].tensor = Tensor(zeros: [3136, 512])
            } == "file init.safetensors: tensor 'dense0.weight' has shape [3136, 512]; model cnn needs [512, 3136] (PyTorch's layout)")
            #expect(try Self.problem { $0.append(NamedTensor(name: "dense2.weight", tensor: Tensor(zeros: [1]))) }
                .hasPrefix("file init.safetensors: tensor 'dense2.weight' is not a parameter of model cnn, whose tensors are conv0.weight, conv0.bias,"))
            #expect(try Self.problem { tensors in
                for index in tensors.indices { tensors[index].name = "model." + tensors[index].name }
            } == "file init.safetensors: has no tensor 'conv0.weight', which model cnn needs with shape [32, 1, 5, 5]; the file has tensors the model lacks, e.g. 'model.conv0.weight'")
            #expect(try Self.problem { $0[1].tensor.values[7] = .nan } == "file init.safetensors: tensor 'conv0.bias' holds a non-finite value (nan) at index 7")
            #expect(try Self.problem { $0.append($0[0]) } == "file init.safetensors: holds tensor 'conv0.weight' twice")
        }

        @Test func aFileOfAnotherModelIsRefusedByTheReader() throws {
            let directory = try Fixtures.temporaryDirectory()
            let lenet = try #require(ModelDefinition.builtIn["lenet5"]), cnn = try #require(ModelDefinition.builtIn["cnn"])
            let url = directory.appendingPathComponent("lenet5.safetensors")
            try SafetensorsExport.write(try lenet.build(seed: 1).parameters(), of: lenet, to: url)
            #expect(throws: LearningError(.malformedFile(
                path: url.path, reason: "tensor 'conv0.weight' has shape [6, 1, 5, 5]; model cnn needs [32, 1, 5, 5] (PyTorch's layout)")
            )) { try SafetensorsExport.read(from: url, of: cnn) }
        }

        @Test func exportChecksTheWeightsAgainstTheNetwork() throws {
            let definition = try #require(ModelDefinition.builtIn["mlp"])
            var weights = try definition.build(seed: 1).parameters()
            weights.removeLast()
            #expect(throws: LearningError(.parameterCount(expected: 6, actual: 5))) {
                try SafetensorsExport.encode(weights, of: definition)
            }
        }
    }
}
