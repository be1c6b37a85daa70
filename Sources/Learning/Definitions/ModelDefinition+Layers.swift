extension ModelDefinition {
    /// A layer checked against its input shape, not made yet: its parameter count is known
    /// before `make` allocates its weights.
    struct Step {
        var parameters = 0
        /// Whether the output is a sequence ([steps, features]); nil: as the input was.
        var keepsSequence: Bool?
        var make: (inout SeededGenerator) -> any Layer
    }

    /// Checks `definition`'s own fields and how it meets an input of `shape`.
    static func layer(
        _ definition: LayerDefinition, after shape: [Int], isSequence: Bool, isFirst: Bool, followedByReLU: Bool,
        fail: (String) -> LearningError
    ) throws(LearningError) -> Step {
        func within(_ value: Int, _ range: ClosedRange<Int>, _ what: String) throws(LearningError) {
            guard range.contains(value) else { throw fail("\(what) must be in \(range), not \(value)") }
        }
        func window(_ sizes: [Int], _ what: String) throws(LearningError) -> (Int, Int) {
            guard sizes.count == 2 else { throw fail("\(what) must be [height, width], not \(sizes)") }
            for size in sizes { try within(size, Bounds.window, what) }
            return (sizes[0], sizes[1])
        }
        let values = shape.reduce(1) { $0 * $1 }
        let defaultInitialization: WeightInitialization = followedByReLU ? .heUniform : .glorotUniform
        switch definition {
        case let .dense(outputs, initialization):
            try within(outputs, Bounds.size, "outputs")
            let inputs = isSequence && shape.count == 2 ? shape[1] : values
            return Step(parameters: (inputs + 1) * outputs) { generator in
                Dense(inputs: inputs, outputs: outputs, initialization: initialization ?? defaultInitialization,
                      generator: &generator)
            }
        case let .conv2d(filters, kernel, stride, padding, initialization):
            try within(filters, Bounds.size, "filters")
            let (height, width) = try window(kernel, "kernel")
            try within(stride, Bounds.window, "stride")
            let convolutionPadding: Conv2D.Padding
            switch padding {
            case .valid: convolutionPadding = .valid
            case .same: convolutionPadding = .same
            case let .explicit(rows, columns):
                try within(rows, Bounds.padding, "padding rows")
                try within(columns, Bounds.padding, "padding columns")
                convolutionPadding = .explicit(rows: rows, columns: columns)
            }
            guard shape.count == 2 || shape.count == 3 else {
                throw fail("takes [height, width] or [height, width, channels], not \(shape)")
            }
            let channels = shape.count == 3 ? shape[2] : 1
            return Step(parameters: (height * width * channels + 1) * filters, keepsSequence: false) { generator in
                Conv2D(inputChannels: channels, outputChannels: filters, kernel: (height, width), stride: stride,
                       padding: convolutionPadding, initialization: initialization ?? defaultInitialization,
                       generator: &generator)
            }
        case let .maxPool2d(size, stride), let .avgPool2d(size, stride):
            let (height, width) = try window(size, "size")
            if let stride { try within(stride, Bounds.window, "stride") }
            let isMax = if case .maxPool2d = definition { true } else { false }
            return Step(keepsSequence: false) { _ in
                isMax ? MaxPool2D(size: (height, width), stride: stride) as any Layer : AvgPool2D(size: (height, width), stride: stride)
            }
        case .flatten:
            return Step(keepsSequence: false) { _ in Flatten() }
        case let .dropout(rate):
            guard rate.isFinite, rate >= 0, rate < 1 else { throw fail("rate must be in [0, 1), not \(rate)") }
            return Step { generator in Dropout(rate: rate, seed: generator.next()) }
        case let .embedding(vocabulary, dimensions):
            try within(vocabulary, Bounds.size, "vocabulary")
            try within(dimensions, Bounds.size, "dimensions")
            guard isFirst, shape.count == 1 else {
                throw fail("an embedding reads the token ids of the input: it must be the first layer, on an input of [steps]")
            }
            return Step(parameters: vocabulary * dimensions, keepsSequence: true) { generator in
                Embedding(vocabulary: vocabulary, dimensions: dimensions, generator: &generator)
            }
        case let .rnn(hidden), let .lstm(hidden):
            try within(hidden, Bounds.size, "hidden")
            guard shape.count == 2 else { throw fail("takes a sequence [steps, features], not \(shape)") }
            let inputs = shape[1]
            if case .lstm = definition {
                return Step(parameters: (inputs + hidden + 1) * 4 * hidden, keepsSequence: true) { generator in
                    LSTM(inputs: inputs, hidden: hidden, generator: &generator)
                }
            }
            return Step(parameters: (inputs + hidden + 1) * hidden, keepsSequence: true) { generator in
                RNN(inputs: inputs, hidden: hidden, generator: &generator)
            }
        case .relu:
            return Step { _ in ReLU() }
        case .tanh:
            return Step { _ in Squashing(.tanh) }
        case .sigmoid:
            return Step { _ in Squashing(.sigmoid) }
        }
    }
}
