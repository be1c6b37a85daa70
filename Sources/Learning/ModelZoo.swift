/// Named model architectures.
public enum ModelZoo {
    /// Every name `make` accepts.
    public static let names = ["mlp", "cnn", "char-lstm", "rnn-lm"]

    /// Steps the sequence models are unrolled over: `char-lstm`'s 80 characters, `rnn-lm`'s 8 words.
    public static let characterSteps = 80, wordSteps = 8
    /// Words `rnn-lm` knows (ids 0..<wordVocabulary).
    public static let wordVocabulary = 1000

    /// The data set model `name` trains on in a federation; throws for models without one (`rnn-lm`).
    public static func dataset(for name: String) throws -> Dataset {
        switch name {
        case "mlp", "cnn": return .mnist
        case "char-lstm": return .shakespeare
        case "rnn-lm": throw LearningError(.noDataset(model: name))
        default: throw LearningError(.unknownModel(name: name, known: names))
        }
    }

    /// Local training a federation uses for model `name` unless told otherwise: E = 5, B = 5, lr 0.05,
    /// and for `char-lstm` E = 5, B = 10 with the FedAvg paper's Shakespeare LSTM rate 1.47 (in 3
    /// rounds here its test accuracy rose to 20.5 %, while E = 5, B = 5, lr 0.05 stayed at the 16.2 %
    /// of always predicting a space and E = 1, B = 10, lr 1.47 reached 9.4 %).
    public static func localTraining(for name: String) -> (epochs: Int, batchSize: Int, learningRate: Float) {
        name == "char-lstm" ? (5, 10, 1.47) : (5, 5, 0.05)
    }


    ///
    /// - "mlp", the FedAvg paper's 2NN: 784-200-200-10 with ReLU (199,210 parameters) on 28×28 inputs.
    /// - "cnn", the FedAvg paper's CNN on 28×28 inputs: 5×5 conv 32 ('same'), ReLU, 2×2 max pool,
    ///   5×5 conv 64 ('same'), ReLU, 2×2 max pool, dense 512 ReLU, dense 10 (1,663,370 parameters).
    /// - "char-lstm", the paper's Shakespeare model: [80] character ids → 8-dim embedding → LSTM 256
    ///   → LSTM 256 → dense over the `Shakespeare.vocabulary` characters at every step.
    /// - "rnn-lm", a small word-level language model: [8] word ids (< 1,000) → 32-dim embedding →
    ///   tanh RNN 64 → dense over the 1,000 words at every step.
    ///
    /// Layers followed by ReLU are He-uniform, other dense layers Glorot-uniform, recurrent layers
    /// uniform in ±1/sqrt(hidden) (LSTM forget-gate bias 1), embeddings uniform in ±1; other biases 0.
    public static func make(_ name: String, seed: UInt64) throws -> Sequential {
        var generator = SeededGenerator(seed: seed)
        switch name {
        case "mlp":
            return try Sequential(inputShape: [28, 28], layers: [
                Dense(inputs: 784, outputs: 200, initialization: .heUniform, generator: &generator),
                ReLU(),
                Dense(inputs: 200, outputs: 200, initialization: .heUniform, generator: &generator),
                ReLU(),
                Dense(inputs: 200, outputs: 10, initialization: .glorotUniform, generator: &generator),
            ])
        case "cnn":
            return try Sequential(inputShape: [28, 28], layers: [
                Conv2D(inputChannels: 1, outputChannels: 32, kernel: (5, 5), padding: .same, generator: &generator),
                ReLU(),
                MaxPool2D(size: (2, 2)),
                Conv2D(inputChannels: 32, outputChannels: 64, kernel: (5, 5), padding: .same, generator: &generator),
                ReLU(),
                MaxPool2D(size: (2, 2)),
                Flatten(),
                Dense(inputs: 7 * 7 * 64, outputs: 512, initialization: .heUniform, generator: &generator),
                ReLU(),
                Dense(inputs: 512, outputs: 10, initialization: .glorotUniform, generator: &generator),
            ])
        case "char-lstm":
            let characters = Shakespeare.vocabulary.count
            return try Sequential(inputShape: [characterSteps], layers: [
                Embedding(vocabulary: characters, dimensions: 8, generator: &generator),
                LSTM(inputs: 8, hidden: 256, generator: &generator),
                LSTM(inputs: 256, hidden: 256, generator: &generator),
                Dense(inputs: 256, outputs: characters, initialization: .glorotUniform, generator: &generator),
            ])
        case "rnn-lm":
            return try Sequential(inputShape: [wordSteps], layers: [
                Embedding(vocabulary: wordVocabulary, dimensions: 32, generator: &generator),
                RNN(inputs: 32, hidden: 64, generator: &generator),
                Dense(inputs: 64, outputs: wordVocabulary, initialization: .glorotUniform, generator: &generator),
            ])
        default:
            throw LearningError(.unknownModel(name: name, known: names))
        }
    }
}
