import ArgumentParser
import Foundation
import Learning

/// `fedz bench recall`: the delayed-recall task, LSTM against a tanh RNN of the same size, and the
/// gradient decay behind it.
struct RecallBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall",
        abstract: "Train an LSTM and an RNN on delayed recall and print their accuracies and gradient decay as JSON.",
        discussion: """
            Each seed trains both models (hidden 16, the same data, SGD with momentum 0.9) and tests \
            them on 500 fresh sequences; prints {"bench":"recall","lag":…,"cues":…,"chance":…,\
            "samples":…,"epochs":…,"runs":[{"seed":…,"lstm":…,"rnn":…}],"lstm_mean":…,"rnn_mean":…,\
            "gradient_decay":{"steps_back":[0,1,…],"rnn":[…],"lstm":[…]}}. The gradient decay is \
            ‖dLoss/dx_t‖ relative to the last step's, k steps back, for untrained layers of 32 units \
            on the same random sequences of lag + 1 steps, the loss at the last step (mean over the seeds).
            """)

    @Option(help: "Distractor steps between the cue and the question.")
    var lag = 20

    @Option(help: "Training sequences.")
    var samples = 2000

    @Option(help: "Passes over the training sequences.")
    var epochs = 20

    @Option(help: "Seeds 1…N, one run of each model per seed.")
    var seeds: UInt64 = 3

    func validate() throws {
        guard lag > 0, samples > 0, epochs > 0, seeds > 0 else {
            throw ValidationError("--lag, --samples, --epochs and --seeds must be positive")
        }
    }

    func run() throws {
        let task = DelayedRecall(lag: lag)
        var runs: [[String: Any]] = []
        for seed in 1...seeds {
            let config = TrainingConfig(epochs: epochs, batchSize: 20, learningRate: 0.5, seed: seed, momentum: 0.9)
            var run: [String: Any] = ["seed": seed]
            for recurrent in DelayedRecall.Recurrent.allCases {
                run[recurrent.rawValue] = try task.accuracy(of: recurrent, trainingSamples: samples, config: config, seed: seed)
            }
            runs.append(run)
        }
        func mean(_ key: String) -> Double { runs.map { $0[key] as! Double }.reduce(0, +) / Double(runs.count) }
        let steps = lag + 1
        func decay(_ recurrent: DelayedRecall.Recurrent) -> [Double] {
            let norms = (1...seeds).map { GradientDecay.relativeInputGradientNorms(recurrent, steps: steps, seed: $0) }
            return (0..<steps).map { back in norms.map { $0[steps - 1 - back] }.reduce(0, +) / Double(seeds) }
        }
        let result: [String: Any] = [
            "bench": "recall", "lag": lag, "cues": task.cues, "chance": 1 / Double(task.cues), "samples": samples,
            "epochs": epochs, "runs": runs, "lstm_mean": mean("lstm"), "rnn_mean": mean("rnn"),
            "gradient_decay": ["steps_back": Array(0..<steps), "rnn": decay(.rnn), "lstm": decay(.lstm)],
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
