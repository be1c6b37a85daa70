extension ModelDefinition {
    /// What a definition may ask for. With every size at most 65,536 and a sample at most
    /// 2²⁶ values, no product below overflows; the parameter total is checked before each layer
    /// allocates its weights.
    public enum Bounds {
        public static let nameLength = 64
        public static let layers = 1...64
        /// Outputs, filters, hidden units, vocabulary, dimensions, input sizes.
        public static let size = 1...65_536
        /// Kernel and pool windows, strides.
        public static let window = 1...64
        /// Explicit padding, rows and columns.
        public static let padding = 0...64
        /// Values of one input sample.
        public static let inputValues = 1 << 24
        /// Values of one sample's output of any layer.
        public static let activationValues = 1 << 26
        /// Trainable scalars in all.
        public static let parameters = 100_000_000
    }

    /// The network, its weights drawn from `seed` as `ModelZoo` documents (uniform in the
    /// layer's initialization range, biases zero; recurrent layers uniform in ±1/sqrt(hidden)).
    public func build(seed: UInt64) throws(LearningError) -> Sequential {
        let layers = try assemble(seed: seed).layers
        do {
            return try Sequential(inputShape: input, layers: layers)
        } catch {
            throw LearningError(.modelDefinition(layer: nil, part: nil, reason: "\(error)"))
        }
    }

    /// Every layer's name, output shape and parameter count.
    public func describe() throws(LearningError) -> [LayerDescription] {
        try assemble(seed: 0).descriptions
    }

    /// Checks the definition and makes its layers, each only after its input shape and the
    /// parameter total so far were found within bounds.
    private func assemble(seed: UInt64) throws(LearningError) -> (layers: [any Layer], descriptions: [LayerDescription]) {
        try checkModel()
        var generator = SeededGenerator(seed: seed)
        var (shape, isSequence, total) = (input, false, 0)
        var built: [any Layer] = []
        var descriptions: [LayerDescription] = []
        var counts: [String: Int] = [:]
        for (index, definition) in layers.enumerated() {
            func fail(_ reason: String) -> LearningError {
                LearningError(.modelDefinition(layer: index, part: definition.typeName, reason: reason))
            }
            let next = layers.indices.contains(index + 1) ? layers[index + 1] : nil
            let step = try Self.layer(
                definition, after: shape, isSequence: isSequence, isFirst: index == 0, followedByReLU: next == .relu,
                fail: fail)
            total += step.parameters
            guard total <= Bounds.parameters else {
                throw fail("the model would have \(total) parameters, more than \(Bounds.parameters)")
            }
            let layer = step.make(&generator)
            guard let output = layer.outputShape(for: shape) else {
                throw fail("cannot take a per-sample input of shape \(shape)")
            }
            guard output.allSatisfy({ $0 > 0 }), output.reduce(1, { $0 * $1 }) <= Bounds.activationValues else {
                throw fail("its output \(output) is empty or has more than \(Bounds.activationValues) values a sample")
            }
            let number = counts[layer.kind, default: 0]
            counts[layer.kind] = number + 1
            descriptions.append(LayerDescription(name: "\(layer.kind)\(number)", outputShape: output, parameters: step.parameters))
            built.append(layer)
            (shape, isSequence) = (output, step.keepsSequence ?? isSequence)
        }
        try checkHead(output: shape)
        return (built, descriptions)
    }

    private func checkModel() throws(LearningError) {
        func fail(_ part: String, _ reason: String) -> LearningError {
            LearningError(.modelDefinition(layer: nil, part: part, reason: reason))
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...Bounds.nameLength).contains(name.count), name.allSatisfy(allowed.contains) else {
            throw fail("name", "name must be 1 to \(Bounds.nameLength) letters, digits, '.', '_' or '-'")
        }
        guard (1...3).contains(input.count), input.allSatisfy(Bounds.size.contains),
              input.reduce(1, { $0 * $1 }) <= Bounds.inputValues
        else {
            throw fail("input", "input must be 1 to 3 sizes in \(Bounds.size), at most \(Bounds.inputValues) values in all; got \(input)")
        }
        guard Bounds.layers.contains(layers.count) else {
            throw fail("layers", "a model has \(Bounds.layers.lowerBound) to \(Bounds.layers.upperBound) layers, not \(layers.count)")
        }
    }

    private func checkHead(output: [Int]) throws(LearningError) {
        func fail(_ reason: String) -> LearningError { LearningError(.modelDefinition(layer: nil, part: "head", reason: reason)) }
        switch head {
        case .classification:
            guard tokens == nil else { throw fail("a classifier reads no text: tokens are for a next-token head") }
            guard output.count == 1, output[0] >= 2 else {
                throw fail("a classification head needs an output of [classes] with at least 2 classes; the last layer gives \(output)")
            }
        case .nextToken:
            guard case .embedding(let vocabulary, _) = layers.first else {
                throw fail("a next-token head reads token ids: the first layer must be an embedding")
            }
            guard output == [input[0], vocabulary] else {
                throw fail("a next-token head needs an output of [steps, vocabulary] = \([input[0], vocabulary]); the last layer gives \(output)")
            }
            if let problem = tokens?.mismatch(vocabulary: vocabulary) {
                throw LearningError(.modelDefinition(layer: nil, part: "tokens", reason: problem))
            }
        }
    }
}
