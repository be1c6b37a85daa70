extension ModelDefinition {
    /// The definitions `ModelZoo` builds its networks from, by name; the files in `models/`
    /// state the same (a test holds them equal).
    public static let builtIn: [String: ModelDefinition] = [
        "mlp": mlp, "cnn": cnn, "char-lstm": characterLSTM, "rnn-lm": wordRNN, "lenet5": leNet5,
    ]

    /// The FedAvg paper's 2NN: 784-200-200-10 with ReLU (199,210 parameters).
    static let mlp = ModelDefinition(name: "mlp", input: [28, 28], head: .classification, layers: [
        .dense(outputs: 200, initialization: .heUniform), .relu,
        .dense(outputs: 200, initialization: .heUniform), .relu,
        .dense(outputs: 10, initialization: .glorotUniform),
    ])

    /// The FedAvg paper's CNN: 5×5 conv 32 ('same'), ReLU, 2×2 max pool, 5×5 conv 64 ('same'),
    /// ReLU, 2×2 max pool, dense 512 ReLU, dense 10 (1,663,370 parameters), every layer uniform in
    /// ±1/sqrt(fan-in) (with He-uniform its first round at lr 0.05 collapsed to 11 % test accuracy).
    static let cnn = ModelDefinition(name: "cnn", input: [28, 28], head: .classification, layers: [
        .conv2d(filters: 32, kernel: [5, 5], padding: .same, initialization: .fanInUniform), .relu,
        .maxPool2d(size: [2, 2]),
        .conv2d(filters: 64, kernel: [5, 5], padding: .same, initialization: .fanInUniform), .relu,
        .maxPool2d(size: [2, 2]),
        .flatten,
        .dense(outputs: 512, initialization: .fanInUniform), .relu,
        .dense(outputs: 10, initialization: .fanInUniform),
    ])

    /// The paper's Shakespeare model: 80 character ids → 8-dim embedding → LSTM 256 → LSTM 256 →
    /// dense over the 65 characters at every step.
    static let characterLSTM = ModelDefinition(name: "char-lstm", input: [80], head: .nextToken, layers: [
        .embedding(vocabulary: 65, dimensions: 8),
        .lstm(hidden: 256), .lstm(hidden: 256),
        .dense(outputs: 65, initialization: .glorotUniform),
    ], tokens: .characters(alphabet: String(decoding: Shakespeare.vocabulary, as: UTF8.self)))

    /// A small word-level language model: 8 word ids (< 1,000; words hashed into 1,000 buckets) →
    /// 32-dim embedding → tanh RNN 64 → dense over the 1,000 words at every step.
    static let wordRNN = ModelDefinition(name: "rnn-lm", input: [8], head: .nextToken, layers: [
        .embedding(vocabulary: 1000, dimensions: 32),
        .rnn(hidden: 64),
        .dense(outputs: 1000, initialization: .glorotUniform),
    ], tokens: .words)

    /// LeNet-5 as the classic CNNs describe it, on 28×28 inputs: 5×5 conv 6 ('same'), tanh, 2×2
    /// average pooling, 5×5 conv 16, tanh, 2×2 average pooling, dense 120 tanh, dense 84 tanh,
    /// dense 10 (61,706 parameters), Glorot-uniform.
    static let leNet5 = ModelDefinition(name: "lenet5", input: [28, 28], head: .classification, layers: [
        .conv2d(filters: 6, kernel: [5, 5], padding: .same), .tanh, .avgPool2d(size: [2, 2]),
        .conv2d(filters: 16, kernel: [5, 5]), .tanh, .avgPool2d(size: [2, 2]),
        .flatten,
        .dense(outputs: 120), .tanh,
        .dense(outputs: 84), .tanh,
        .dense(outputs: 10),
    ])
}
