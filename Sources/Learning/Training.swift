/// Settings for local training.
public struct TrainingConfig: Sendable, Codable, Equatable {
    /// Passes over the data (E in FedAvg).
    public var epochs: Int
    /// Samples per SGD step (B); the last batch of an epoch may be smaller.
    public var batchSize: Int
    /// SGD step size.
    public var learningRate: Float
    /// Seed of the per-epoch shuffles.
    public var seed: UInt64
    /// μ of FedProx's proximal term (μ/2)·‖w − w_start‖² added to the loss; nil for none.
    public var proximalMu: Float? = nil

    /// A config with every setting given.
    public init(epochs: Int, batchSize: Int, learningRate: Float, seed: UInt64) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
    }
}

/// What a `train` call did.
public struct TrainingReport: Sendable, Equatable {
    /// Mean training loss over every sample processed in all epochs (each measured before its step).
    public var meanLoss: Double
    /// Number of samples in the training data (the FedAvg weight n_k), not multiplied by epochs.
    public var samples: Int
    /// SGD steps taken over all epochs.
    public var steps: Int

    /// A report with every field given.
    public init(meanLoss: Double, samples: Int, steps: Int) {
        self.meanLoss = meanLoss
        self.samples = samples
        self.steps = steps
    }
}

/// Loss and accuracy of a model on a data set.
public struct Evaluation: Sendable, Equatable {
    /// Mean softmax cross-entropy.
    public var loss: Double
    /// Fraction of samples whose arg-max logit is the label.
    public var accuracy: Double
    /// Number of samples evaluated.
    public var samples: Int

    /// An evaluation with every field given.
    public init(loss: Double, accuracy: Double, samples: Int) {
        self.loss = loss
        self.accuracy = accuracy
        self.samples = samples
    }
}

/// Trains `model` in place with mini-batch SGD on softmax cross-entropy, reshuffling the
/// data each epoch from `config.seed`. Throws on an invalid config, data that does not fit
/// the model, or a non-finite loss (the model is then left as it was at that step).
public func train(_ model: Sequential, on data: LabeledData, config: TrainingConfig) throws -> TrainingReport {
    guard config.epochs >= 0 else { throw LearningError(.invalidConfig("epochs \(config.epochs) < 0")) }
    guard config.batchSize > 0 else { throw LearningError(.invalidConfig("batch size \(config.batchSize) < 1")) }
    guard config.learningRate.isFinite, config.learningRate > 0 else {
        throw LearningError(.invalidConfig("learning rate \(config.learningRate) is not a positive number"))
    }
    if let mu = config.proximalMu, !(mu >= 0 && mu.isFinite) {
        throw LearningError(.invalidConfig("proximal μ \(mu) is not a number ≥ 0"))
    }
    try checkFits(model, data)
    if let error = data.firstInvalidLabel(classCount: model.outputShape.elementCount) { throw error }

    let proximal = config.proximalMu.map { ProximalTerm(mu: $0, anchor: model.parameters()) }
    let loss = SoftmaxCrossEntropy()
    let optimizer = SGD(learningRate: config.learningRate)
    var generator = SeededGenerator(seed: config.seed)
    var order = Array(0..<data.count)
    var batchLabels = [Int32]()
    var lossSum = 0.0
    var steps = 0
    let size = data.featureSize
    try data.features.withUnsafeBufferPointer { features in
        for epoch in 0..<config.epochs {
            order.shuffle(using: &generator)
            var start = 0
            while start < data.count {
                let batch = min(config.batchSize, data.count - start)
                if batchLabels.count != batch { batchLabels = [Int32](repeating: 0, count: batch) }
                order.withUnsafeBufferPointer { order in
                    batchLabels.withUnsafeMutableBufferPointer { labels in
                        for row in 0..<batch { labels[row] = data.labels[order[start + row]] }
                    }
                    model.forward(batch: batch) { input in
                        for row in 0..<batch {
                            (input.baseAddress! + row * size)
                                .update(from: features.baseAddress! + order[start + row] * size, count: size)
                        }
                    }
                }
                let result = loss.forward(logits: model.output, labels: batchLabels[...])
                guard result.lossSum.isFinite else {
                    throw LearningError(.nonFiniteLoss(epoch: epoch, step: steps))
                }
                lossSum += result.lossSum
                loss.backward(labels: batchLabels[...])
                model.backward(outputGradient: loss.gradient)
                proximal?.addGradient(to: model.trainable)
                optimizer.step(model.trainable)
                steps += 1
                start += batch
            }
        }
    }
    let processed = data.count * config.epochs
    return TrainingReport(meanLoss: processed > 0 ? lossSum / Double(processed) : 0,
                          samples: data.count, steps: steps)
}

/// Mean loss and accuracy of `model` on `data`, in batches of `batchSize`.
/// The data must fit the model (same per-sample shape, labels within the model's outputs).
public func evaluate(_ model: Sequential, on data: LabeledData, batchSize: Int = 500) -> Evaluation {
    precondition(batchSize > 0, "evaluate: batch size \(batchSize) < 1")
    do {
        try checkFits(model, data)
    } catch {
        preconditionFailure("evaluate: \(error)")
    }
    if let error = data.firstInvalidLabel(classCount: model.outputShape.elementCount) {
        preconditionFailure("evaluate: \(error)")
    }
    let loss = SoftmaxCrossEntropy()
    var total = SoftmaxCrossEntropy.BatchResult(lossSum: 0, correct: 0)
    let size = data.featureSize
    data.features.withUnsafeBufferPointer { features in
        var start = 0
        while start < data.count {
            let batch = min(batchSize, data.count - start)
            model.forward(batch: batch) { input in
                input.baseAddress!.update(from: features.baseAddress! + start * size, count: batch * size)
            }
            let result = loss.forward(logits: model.output, labels: data.labels[start..<(start + batch)])
            total.lossSum += result.lossSum
            total.correct += result.correct
            start += batch
        }
    }
    guard data.count > 0 else { return Evaluation(loss: 0, accuracy: 0, samples: 0) }
    return Evaluation(loss: total.lossSum / Double(data.count),
                      accuracy: Double(total.correct) / Double(data.count), samples: data.count)
}

/// Throws unless samples of `data` have the model's per-sample input size.
private func checkFits(_ model: Sequential, _ data: LabeledData) throws {
    guard data.featureSize == model.inputShape.elementCount else {
        throw LearningError(.featureShape(expected: model.inputShape, actual: data.featureShape))
    }
}
