/// Delayed recall, the long-range memory task of the vanishing-gradient literature: a sequence opens
/// with one of `cues` symbols, then `lag` random distractor symbols (ids cues..<cues + distractors);
/// the label, asked at the last step, is the opening symbol. Chance is 1 / cues.
public struct DelayedRecall: Sendable {
    /// The recurrent layer under test.
    public enum Recurrent: String, Sendable, CaseIterable {
        case lstm, rnn

        /// A fresh layer of this kind; `forgetBias` sets the LSTM's forget-gate bias (the RNN has no gate).
        func layer<G: RandomNumberGenerator>(inputs: Int, hidden: Int, forgetBias: Float = 1,
                                             generator: inout G) -> any Layer {
            switch self {
            case .lstm: LSTM(inputs: inputs, hidden: hidden, forgetBias: forgetBias, generator: &generator)
            case .rnn: RNN(inputs: inputs, hidden: hidden, generator: &generator)
            }
        }
    }

    /// Distractor steps between the cue and the question.
    public var lag: Int
    public var cues = 4, distractors = 4
    /// Hidden units of either recurrent layer.
    public var hidden = 16

    /// The task with `lag` distractors after the cue.
    public init(lag: Int) {
        precondition(lag > 0, "DelayedRecall: lag must be positive")
        self.lag = lag
    }

    /// `count` sequences of lag + 1 symbol ids, drawn from `seed`.
    public func sequences(count: Int, seed: UInt64) -> LabeledData {
        var generator = SeededGenerator(seed: seed)
        var features: [Float] = [], labels: [Int32] = []
        features.reserveCapacity(count * (lag + 1))
        for _ in 0..<count {
            let cue = Int.random(in: 0..<cues, using: &generator)
            features.append(Float(cue))
            for _ in 0..<lag { features.append(Float(cues + Int.random(in: 0..<distractors, using: &generator))) }
            labels.append(Int32(cue))
        }
        return LabeledData(features: features, labels: labels, featureShape: [lag + 1], classCount: cues)
    }

    /// 8-dim embedding → `recurrent` layer of `hidden` units → last step → dense over the cues. The
    /// LSTM's forget-gate bias starts at 3 ≈ log 20, the chrono initialisation for dependencies of
    /// up to 20 steps (Tallec & Ollivier 2018); the RNN has no gate to open.
    public func model(_ recurrent: Recurrent, seed: UInt64) throws -> Sequential {
        var generator = SeededGenerator(seed: seed)
        let layer = recurrent.layer(inputs: 8, hidden: hidden, forgetBias: 3, generator: &generator)
        return try Sequential(inputShape: [lag + 1], layers: [
            Embedding(vocabulary: cues + distractors, dimensions: 8, generator: &generator),
            layer,
            LastStep(),
            Dense(inputs: hidden, outputs: cues, initialization: .glorotUniform, generator: &generator),
        ])
    }

    /// Test accuracy on 500 fresh sequences after training a `recurrent` model (weights from `seed`)
    /// on `trainingSamples` sequences with `config`.
    public func accuracy(of recurrent: Recurrent, trainingSamples: Int, config: TrainingConfig,
                         seed: UInt64) throws -> Double {
        let model = try model(recurrent, seed: seed)
        _ = try train(model, on: sequences(count: trainingSamples, seed: seed &+ 1), config: config)
        return evaluate(model, on: sequences(count: 500, seed: seed &+ 2)).accuracy
    }
}
