/// A single-layer perceptron as a multi-class linear machine: one threshold unit per class,
/// each trained one-vs-rest by the perceptron rule (Rosenblatt): unit c fires when
/// w_c·x + b_c > 0, and whenever it fires wrongly or fails to fire on its class,
/// w_c ← w_c + η(t − o)x and b_c ← b_c + η(t − o), t being 1 for class c and 0 otherwise.
/// A sample is classified by the unit with the largest net input. Weights start at zero;
/// a client's update is the change its training made (`ModelDelta`), so FedAvg applies.
public final class PerceptronLearner: Learner {
    let network: Sequential
    private let dense: Dense

    /// A perceptron over samples of `inputShape` with one unit per class.
    public init(inputShape: [Int], classes: Int) {
        // A dense layer draws its weights; the perceptron rule starts from zero instead.
        var generator = SeededGenerator(seed: 0)
        dense = Dense(inputs: inputShape.elementCount, outputs: classes, initialization: .glorotUniform, generator: &generator)
        dense.weight.value = Tensor(zeros: dense.weight.value.shape)
        // One dense layer takes any sample of its input size.
        network = try! Sequential(inputShape: inputShape, layers: [dense])
    }

    public var parameterSpecs: [ParameterSpec] { network.parameterSpecs }
    public func parameters() -> [Tensor] { network.parameters() }
    public func setParameters(_ parameters: [Tensor]) throws { try network.setParameters(parameters) }

    /// Up to `config.epochs` passes of the perceptron rule with step η = `config.learningRate`,
    /// in an order shuffled from `config.seed`, stopping after a pass without a mistake. The
    /// report's loss is the fraction of unit decisions that were wrong, its steps the unit updates.
    public func learn(from data: LabeledData, config: TrainingConfig, round: Int) throws -> (report: TrainingReport, update: [Tensor]) {
        guard config.epochs >= 0, config.learningRate > 0, config.learningRate.isFinite else {
            throw LearningError(.invalidConfig("epochs \(config.epochs) or learning rate \(config.learningRate) out of range"))
        }
        guard data.featureSize == dense.inputs else {
            throw LearningError(.featureShape(expected: network.inputShape, actual: data.featureShape))
        }
        if let error = data.firstInvalidLabel(classCount: dense.outputs) { throw error }
        let start = parameters()
        var generator = SeededGenerator(seed: config.seed)
        var order = Array(0..<data.count)
        var (updates, decisions) = (0, 0)
        for _ in 0..<config.epochs {
            order.shuffle(using: &generator)
            let mistakes = order.reduce(0) { $0 + present(data, sample: $1, rate: config.learningRate) }
            updates += mistakes
            decisions += data.count * dense.outputs
            if mistakes == 0 { break }
        }
        let report = TrainingReport(meanLoss: decisions > 0 ? Double(updates) / Double(decisions) : 0,
                                    samples: data.count, steps: updates)
        return (report, ModelDelta.between(local: parameters(), global: start))
    }

    public func evaluate(on data: LabeledData) -> Evaluation {
        Learning.evaluate(network, on: data)
    }

    /// Applies the rule to every unit for one sample; returns how many units erred (and learned).
    private func present(_ data: LabeledData, sample: Int, rate: Float) -> Int {
        let (inputs, outputs) = (dense.inputs, dense.outputs)
        let label = Int(data.labels[sample])
        var mistakes = 0
        data.features.withUnsafeBufferPointer { features in
            let x = features.baseAddress! + sample * inputs
            dense.weight.value.values.withUnsafeMutableBufferPointer { weight in
                dense.bias.value.values.withUnsafeMutableBufferPointer { bias in
                    for unit in 0..<outputs {
                        var net = bias[unit]
                        for index in 0..<inputs { net += x[index] * weight[index * outputs + unit] }
                        let error: Float = (unit == label ? 1 : 0) - (net > 0 ? 1 : 0)
                        guard error != 0 else { continue }
                        mistakes += 1
                        let step = rate * error
                        for index in 0..<inputs { weight[index * outputs + unit] += step * x[index] }
                        bias[unit] += step
                    }
                }
            }
        }
        return mistakes
    }
}
