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
    /// SGD momentum (0: plain SGD).
    public var momentum: Float
    /// L2 weight decay added to every gradient.
    public var weightDecay: Float
    /// μ of FedProx's proximal term (μ/2)·‖w − w_start‖² added to the loss; nil for none.
    public var proximalMu: Float?

    /// A config with every setting given.
    public init(epochs: Int, batchSize: Int, learningRate: Float, seed: UInt64,
                momentum: Float = 0, weightDecay: Float = 0, proximalMu: Float? = nil) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.proximalMu = proximalMu
    }

    private enum CodingKeys: String, CodingKey {
        case epochs, batchSize, learningRate, seed, momentum, weightDecay, proximalMu
    }

    /// Decodes a config; `momentum` and `weightDecay` may be absent (then 0), and so may
    /// `proximalMu` (then no proximal term).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(epochs: try container.decode(Int.self, forKey: .epochs),
                  batchSize: try container.decode(Int.self, forKey: .batchSize),
                  learningRate: try container.decode(Float.self, forKey: .learningRate),
                  seed: try container.decode(UInt64.self, forKey: .seed),
                  momentum: try container.decodeIfPresent(Float.self, forKey: .momentum) ?? 0,
                  weightDecay: try container.decodeIfPresent(Float.self, forKey: .weightDecay) ?? 0,
                  proximalMu: try container.decodeIfPresent(Float.self, forKey: .proximalMu))
    }
}

/// What a `train` call did.
public struct TrainingReport: Sendable, Equatable {
    /// Mean training loss over every label processed in all epochs (each measured before its step).
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
    /// Mean softmax cross-entropy per label; for a prototype map, its quantisation error.
    public var loss: Double
    /// Fraction of labels (every step's, for sequences) matched by the arg-max logit, or by
    /// the label of a prototype map's best-matching unit.
    public var accuracy: Double
    /// Number of samples evaluated.
    public var samples: Int
    /// A prototype map's mean distance from a sample to its best-matching prototype.
    public var quantizationError: Double?
    /// A self-organising map's fraction of samples whose two best units are not grid neighbours.
    public var topographicError: Double?

    /// An evaluation with every field given.
    public init(loss: Double, accuracy: Double, samples: Int, quantizationError: Double? = nil,
                topographicError: Double? = nil) {
        self.loss = loss
        self.accuracy = accuracy
        self.samples = samples
        self.quantizationError = quantizationError
        self.topographicError = topographicError
    }
}

/// Trains `model` in place with mini-batch SGD on softmax cross-entropy (averaged over every
/// label of the batch), reshuffling the data each epoch from `config.seed`. With `threads` > 1
/// each batch is split among that many threads (data parallelism); the result is the same up
/// to floating-point summation order. Throws on an invalid config, data that does not fit the
/// model, or a non-finite loss (the model is then left as it was at that step).
public func train(_ model: Sequential, on data: LabeledData, config: TrainingConfig,
                  threads: Int = 1) throws -> TrainingReport {
    guard config.epochs >= 0 else { throw LearningError(.invalidConfig("epochs \(config.epochs) < 0")) }
    guard config.batchSize > 0 else { throw LearningError(.invalidConfig("batch size \(config.batchSize) < 1")) }
    guard config.learningRate.isFinite, config.learningRate > 0 else {
        throw LearningError(.invalidConfig("learning rate \(config.learningRate) is not a positive number"))
    }
    if let mu = config.proximalMu, !(mu >= 0 && mu.isFinite) {
        throw LearningError(.invalidConfig("proximal μ \(mu) is not a number ≥ 0"))
    }
    guard config.momentum >= 0, config.momentum < 1, config.weightDecay >= 0 else {
        throw LearningError(.invalidConfig("momentum \(config.momentum) or weight decay \(config.weightDecay) out of range"))
    }
    guard threads > 0 else { throw LearningError(.invalidConfig("threads \(threads) < 1")) }
    try checkFits(model, data)
    if let error = data.firstInvalidLabel(classCount: model.outputShape.elementCount / data.labelsPerSample) {
        throw error
    }

    let proximal = config.proximalMu.map { ProximalTerm(mu: $0, anchor: model.parameters()) }
    let parallel = DataParallel(model, threads: threads)
    let optimizer = SGD(learningRate: config.learningRate, momentum: config.momentum, weightDecay: config.weightDecay,
                        counts: model.trainable.map(\.value.count))
    var generator = SeededGenerator(seed: config.seed)
    var order = Array(0..<data.count)
    var lossSum = 0.0
    var steps = 0
    let (size, perSample) = (data.featureSize, data.labelsPerSample)
    try data.features.withUnsafeBufferPointer { features in
        try data.labels.withUnsafeBufferPointer { allLabels in
            for epoch in 0..<config.epochs {
                order.shuffle(using: &generator)
                var start = 0
                while start < data.count {
                    let batch = min(config.batchSize, data.count - start)
                    let result = order.withUnsafeBufferPointer { order in
                        parallel.step(batch: batch, labelsPerSample: perSample) { first, count, input, labels in
                            for row in 0..<count {
                                let sample = order[start + first + row]
                                (input.baseAddress! + row * size).update(from: features.baseAddress! + sample * size, count: size)
                                (labels.baseAddress! + row * perSample)
                                    .update(from: allLabels.baseAddress! + sample * perSample, count: perSample)
                            }
                        }
                    }
                    guard result.lossSum.isFinite else {
                        throw LearningError(.nonFiniteLoss(epoch: epoch, step: steps))
                    }
                    lossSum += result.lossSum
                    parallel.updateParameters { index, value, gradient, elements in
                        proximal?.addGradient(index, value: value, gradient: gradient, elements: elements)
                        optimizer.step(index, value: value, gradient: gradient, elements: elements)
                    }
                    steps += 1
                    start += batch
                }
            }
        }
    }
    let processed = data.labels.count * config.epochs
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
    if let error = data.firstInvalidLabel(classCount: model.outputShape.elementCount / data.labelsPerSample) {
        preconditionFailure("evaluate: \(error)")
    }
    let loss = SoftmaxCrossEntropy()
    var total = SoftmaxCrossEntropy.BatchResult(lossSum: 0, correct: 0)
    let (size, perSample) = (data.featureSize, data.labelsPerSample)
    data.features.withUnsafeBufferPointer { features in
        var start = 0
        while start < data.count {
            let batch = min(batchSize, data.count - start)
            model.forward(batch: batch) { input in
                input.baseAddress!.update(from: features.baseAddress! + start * size, count: batch * size)
            }
            let result = loss.forward(logits: model.output,
                                      labels: data.labels[(start * perSample)..<((start + batch) * perSample)])
            total.lossSum += result.lossSum
            total.correct += result.correct
            start += batch
        }
    }
    guard data.count > 0 else { return Evaluation(loss: 0, accuracy: 0, samples: 0) }
    let labels = Double(data.labels.count)
    return Evaluation(loss: total.lossSum / labels, accuracy: Double(total.correct) / labels, samples: data.count)
}

/// Throws unless samples of `data` have the model's per-sample input size.
private func checkFits(_ model: Sequential, _ data: LabeledData) throws {
    guard data.featureSize == model.inputShape.elementCount else {
        throw LearningError(.featureShape(expected: model.inputShape, actual: data.featureShape))
    }
}
