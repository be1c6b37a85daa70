/// A network described as data: its per-sample input, its layers in order and its head. A
/// layer's input size is never written down: `build` infers every shape from the input and
/// checks it, layer by layer. A definition is what a model file holds and what travels with a
/// model, so every field is bounded (`ModelDefinition.Bounds`) before anything is allocated.
public struct ModelDefinition: Codable, Sendable, Equatable {
    /// What the network's output means, and so how it is trained.
    public enum Head: String, Codable, Sendable, CaseIterable {
        /// One class per sample: softmax cross-entropy over an output of [classes].
        case classification
        /// A token per step: softmax cross-entropy at every step of an output of
        /// [steps, vocabulary], the inputs being token ids (an `embedding` first).
        case nextToken = "next-token"
    }

    public var name: String
    /// The per-sample input shape: [features], [height, width], [height, width, channels], or
    /// [steps] token ids.
    public var input: [Int]
    public var head: Head
    public var layers: [LayerDefinition]
    /// For a next-token model: how text becomes its token ids (absent: it reads no text).
    public var tokens: TokenDefinition?

    public init(name: String, input: [Int], head: Head, layers: [LayerDefinition], tokens: TokenDefinition? = nil) {
        self.name = name
        self.input = input
        self.head = head
        self.layers = layers
        self.tokens = tokens
    }
}

/// One layer of a `ModelDefinition`, with only what its input shape does not give.
public enum LayerDefinition: Codable, Sendable, Equatable {
    /// A fully connected layer: over the last axis of a sequence ([steps, features]), else
    /// over the flattened sample. `initialization` nil: He-uniform when a ReLU follows, else
    /// Glorot-uniform.
    case dense(outputs: Int, initialization: WeightInitialization? = nil)
    /// A 2-D convolution over [height, width] or [height, width, channels] (same default
    /// initialization as `dense`).
    case conv2d(filters: Int, kernel: [Int], stride: Int = 1, padding: PaddingDefinition = .valid,
                initialization: WeightInitialization? = nil)
    /// Pools without padding; `stride` nil: the window's height.
    case maxPool2d(size: [Int], stride: Int? = nil)
    case avgPool2d(size: [Int], stride: Int? = nil)
    case flatten
    /// Inverted dropout with probability `rate` in [0, 1), while training only.
    case dropout(rate: Float)
    /// Token ids ([steps]) to vectors ([steps, dimensions]); ids must be below `vocabulary`.
    case embedding(vocabulary: Int, dimensions: Int)
    /// A tanh recurrent layer over [steps, features], every step's state out.
    case rnn(hidden: Int)
    /// An LSTM over [steps, features] (forget-gate bias 1), every step's state out.
    case lstm(hidden: Int)
    case relu, tanh, sigmoid

    /// The name model files use for the layer's type.
    public var typeName: String {
        switch self {
        case .dense: "dense"
        case .conv2d: "conv2d"
        case .maxPool2d: "maxpool2d"
        case .avgPool2d: "avgpool2d"
        case .flatten: "flatten"
        case .dropout: "dropout"
        case .embedding: "embedding"
        case .rnn: "rnn"
        case .lstm: "lstm"
        case .relu: "relu"
        case .tanh: "tanh"
        case .sigmoid: "sigmoid"
        }
    }

    /// Every type name, in the order model files document them.
    public static let typeNames = [
        "dense", "conv2d", "maxpool2d", "avgpool2d", "flatten", "dropout", "embedding", "rnn", "lstm", "relu",
        "tanh", "sigmoid",
    ]
}

/// A convolution's padding as a definition states it.
public enum PaddingDefinition: Codable, Sendable, Equatable {
    /// None: output = floor((input − kernel) / stride) + 1.
    case valid
    /// Output = ceil(input / stride).
    case same
    /// This many zero rows above and below, and columns left and right.
    case explicit(rows: Int, columns: Int)
}

/// One row of `ModelDefinition.describe()`: a layer as built.
public struct LayerDescription: Sendable, Equatable {
    /// The layer's name in parameter names, e.g. "conv0".
    public var name: String
    public var outputShape: [Int]
    public var parameters: Int
}
