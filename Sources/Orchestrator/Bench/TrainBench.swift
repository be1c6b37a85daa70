import ArgumentParser
import CommandSupport
import Foundation
import Learning

/// `fedz bench train`: local training throughput of one model, as `bench/run.sh` compares with PyTorch.
struct TrainBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on real data and print samples/s as one JSON line.",
        discussion: """
            Trains on the first --samples training samples of the model's data set (MNIST for mlp \
            and cnn, Tiny Shakespeare for char-lstm) with plain SGD, after an untimed warm-up pass \
            over 2 batches, and prints {"bench":"train","model":…,"batch_size":…,"threads":…,\
            "samples":…,"seconds":…,"samples_per_second":…,"mean_loss":…,"backend":…}.
            """)

    @Option(help: "Model: mlp, cnn or char-lstm.")
    var model = "cnn"

    @Option(help: "Samples per SGD step.")
    var batchSize = 10

    @Option(help: "Threads sharing each batch (data parallelism).")
    var threads = 1

    @Option(help: "Timed training samples (one epoch over them).")
    var samples = 2000

    @Option(help: "Directory holding the data set files (default: the project's data/ folder).")
    var dataDir: String?

    func validate() throws {
        guard ["mlp", "cnn", "char-lstm"].contains(model) else {
            throw ValidationError("unknown model '\(model)'; known: mlp, cnn, char-lstm")
        }
        guard batchSize > 0, threads > 0, samples >= batchSize else {
            throw ValidationError("need --batch-size > 0, --threads > 0 and --samples ≥ --batch-size")
        }
    }

    func run() throws {
        let dataset = try ModelZoo.dataset(for: model)
        let all = try dataset.load(.train, from: DataDirectory.resolve(dataDir, dataset: dataset.rawValue))
        let data = all.subset(Array(0..<min(samples, all.count)))
        let network = try ModelZoo.make(model, seed: 1)
        let config = TrainingConfig(epochs: 1, batchSize: batchSize, learningRate: 0.01, seed: 1)
        _ = try Learning.train(network, on: data.subset(Array(0..<(2 * batchSize))), config: config, threads: threads)
        let clock = ContinuousClock()
        let start = clock.now
        let report = try Learning.train(network, on: data, config: config, threads: threads)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let result: [String: Any] = [
            "bench": "train", "model": model, "batch_size": batchSize, "threads": threads, "samples": data.count,
            "seconds": seconds, "samples_per_second": Double(data.count) / seconds, "mean_loss": report.meanLoss,
            "backend": MatrixBackend.description,
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
