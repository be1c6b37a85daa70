/// A model together with the rule that trains it: what a node trains and the coordinator
/// evaluates, whatever the learning rule (backpropagation, prototypes, the perceptron rule).
/// Not Sendable: like `Sequential`, it lives on one thread.
public protocol Learner: AnyObject {
    /// Every parameter tensor, in the order of `parameters()`; what model messages carry.
    var parameterSpecs: [ParameterSpec] { get }
    /// Copies of the parameters.
    func parameters() -> [Tensor]
    /// Replaces all parameters; checks count, shapes and finiteness before changing anything.
    func setParameters(_ parameters: [Tensor]) throws
    /// Learns from `data`, starting at the current parameters, in federated round `round`
    /// (from 1), and returns what a client sends, shaped like the parameters: the change
    /// its training made (`ModelDelta`), or, for prototype maps, its statistics.
    func learn(from data: LabeledData, config: TrainingConfig, round: Int) throws -> (report: TrainingReport, update: [Tensor])
    /// Loss and accuracy (and, for prototype maps, their errors) on `data`, which must fit the model.
    func evaluate(on data: LabeledData) -> Evaluation
}

extension Sequential: Learner {
    /// Trains by mini-batch SGD (`train`) and returns the delta.
    public func learn(from data: LabeledData, config: TrainingConfig, round: Int) throws -> (report: TrainingReport, update: [Tensor]) {
        let start = parameters()
        let report = try train(self, on: data, config: config)
        return (report, ModelDelta.between(local: parameters(), global: start))
    }

    public func evaluate(on data: LabeledData) -> Evaluation {
        Learning.evaluate(self, on: data)
    }
}

/// Checks that shapes and values fit `specs`, as `Sequential.setParameters` does.
func checkParameters(_ parameters: [Tensor], fit specs: [ParameterSpec]) throws {
    guard parameters.count == specs.count else {
        throw LearningError(.parameterCount(expected: specs.count, actual: parameters.count))
    }
    for (spec, tensor) in zip(specs, parameters) {
        guard tensor.shape == spec.shape else {
            throw LearningError(.parameterShape(name: spec.name, expected: spec.shape, actual: tensor.shape))
        }
        if let index = tensor.values.firstIndex(where: { !$0.isFinite }) {
            throw LearningError(.nonFiniteParameter(name: spec.name, index: index))
        }
    }
}
