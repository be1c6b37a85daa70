/// Named model architectures.
public enum ModelZoo {
    /// Every name `make` accepts.
    public static let names = ["mlp"]

    /// Builds model `name` with weights drawn from `seed`.
    ///
    /// "mlp" is the FedAvg paper's 2NN: 784-200-200-10 with ReLU (199,210 parameters) taking
    /// 28×28 inputs; hidden layers He-uniform, output layer Glorot-uniform, zero biases.
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
        default:
            throw LearningError(.unknownModel(name: name, known: names))
        }
    }
}
