/// Named model architectures.
public enum ModelZoo {
    /// Every name `learner` accepts.
    public static let names = sequentialNames + ["perceptron", "som", "competitive"]
    /// Every name `make` accepts: the networks trained by backpropagation.
    public static let sequentialNames = ["mlp", "cnn", "lenet5", "char-lstm", "rnn-lm"]
    /// The models whose clients send prototype statistics, which the coordinator merges
    /// (`PrototypeLearner.merge`) rather than averaging deltas.
    public static let prototypeNames: Set = ["som", "competitive"]

    /// The schedule of "som": σ from 3 to 0.2 grid units over 16 rounds (or steps), then 0.2, so
    /// that the last rounds refine the ordered map almost as k-means would (85–86 % majority-vote
    /// test accuracy on MNIST after 20 rounds; σ ending at 0.5 keeps more topology but gives 81–84 %).
    public static let somSchedule = MapSchedule(initialRadius: 3, finalRadius: 0.2, steps: 16)

    /// Steps the sequence models are unrolled over: `char-lstm`'s 80 characters, `rnn-lm`'s 8 words.
    public static let characterSteps = 80, wordSteps = 8
    /// Words `rnn-lm` knows (ids 0..<wordVocabulary).
    public static let wordVocabulary = 1000

    /// The data set model `name` trains on in a federation; throws for models without one (`rnn-lm`).
    public static func dataset(for name: String) throws -> Dataset {
        switch name {
        case "mlp", "cnn", "lenet5", "perceptron", "som", "competitive": return .mnist
        case "char-lstm": return .shakespeare
        case "rnn-lm": throw LearningError(.noDataset(model: name))
        default:
            guard let definition = registered(name) else { throw LearningError(.unknownModel(name: name, known: names)) }
            return try definition.builtInDataset()
        }
    }

    /// What model `name` learns from: labelled samples of a shape and classes, or text.
    public enum Samples: Sendable, Equatable {
        case labeled(features: [Int], classes: Int)
        /// Windows of `steps` token ids below `vocabulary`, read from text as `tokens` says (nil:
        /// the model's definition says nothing of text).
        case text(tokens: TokenDefinition?, steps: Int, vocabulary: Int)
    }

    /// What a sample of model `name`'s data must be.
    public static func samples(for name: String) throws -> Samples {
        if ["perceptron", "som", "competitive"].contains(name) { return .labeled(features: [28, 28], classes: 10) }
        guard let definition = ModelDefinition.builtIn[name] ?? registered(name) else {
            throw LearningError(.unknownModel(name: name, known: names))
        }
        guard let output = try definition.describe().last?.outputShape.last else { throw LearningError(.noDataset(model: name)) }
        switch definition.head {
        case .classification: return .labeled(features: definition.input, classes: output)
        case .nextToken: return .text(tokens: definition.tokens, steps: definition.input[0], vocabulary: output)
        }
    }

    /// Builds model `name` (any of `names`) with weights drawn from `seed`:
    ///
    /// - the networks of `make`, trained by mini-batch SGD;
    /// - "perceptron": 784 inputs → 10 threshold units trained one-vs-rest by the perceptron
    ///   rule (`PerceptronLearner`), weights starting at zero;
    /// - "som": a 10×10 Kohonen map of 784-float prototypes drawn from ±0.1, trained by batch
    ///   steps on `somSchedule`; "competitive": 100 such prototypes, only the winner learning.
    public static func learner(_ name: String, seed: UInt64) throws -> any Learner {
        switch name {
        case "perceptron":
            return PerceptronLearner(inputShape: [28, 28], classes: 10)
        case "som":
            return PrototypeLearner(rows: 10, columns: 10, features: 784, classCount: 10, schedule: somSchedule,
                                    spread: 0.1, seed: seed)
        case "competitive":
            return PrototypeLearner(rows: 10, columns: 10, features: 784, classCount: 10,
                                    schedule: MapSchedule(initialRadius: 0, finalRadius: 0, steps: 1), spread: 0.1, seed: seed)
        case _ where sequentialNames.contains(name) || registered(name) != nil:
            return try make(name, seed: seed)
        default:
            throw LearningError(.unknownModel(name: name, known: names))
        }
    }

    /// Local training a federation uses for model `name` unless told otherwise: E = 5, B = 5, lr 0.05,
    /// and for `char-lstm` E = 5, B = 10 with the FedAvg paper's Shakespeare LSTM rate 1.47 (in 3
    /// rounds here its test accuracy rose to 20.5 %, while E = 5, B = 5, lr 0.05 stayed at the 16.2 %
    /// of always predicting a space and E = 1, B = 10, lr 1.47 reached 9.4 %).
    public static func localTraining(for name: String) -> (epochs: Int, batchSize: Int, learningRate: Float) {
        name == "char-lstm" ? (5, 10, 1.47) : (5, 5, 0.05)
    }

    /// Builds network `name` (any of `sequentialNames`) from its definition
    /// (`ModelDefinition.builtIn`, the files in `models/`) with weights drawn from `seed`: "mlp"
    /// and "cnn" (the FedAvg paper's 2NN and CNN on 28×28 inputs), "char-lstm" (its Shakespeare
    /// LSTM), "rnn-lm" (a small word-level language model), "lenet5" (LeNet-5 with average
    /// pooling). Layers followed by ReLU are He-uniform and other dense layers Glorot-uniform
    /// unless the definition says otherwise (the CNN's layers are uniform in ±1/sqrt(fan-in),
    /// PyTorch's default); recurrent layers are uniform in ±1/sqrt(hidden) (LSTM forget-gate
    /// bias 1), embeddings uniform in ±1; biases 0.
    public static func make(_ name: String, seed: UInt64) throws -> Sequential {
        guard let definition = ModelDefinition.builtIn[name] ?? registered(name) else {
            throw LearningError(.unknownModel(name: name, known: sequentialNames))
        }
        return try definition.build(seed: seed)
    }
}
