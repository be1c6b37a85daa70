import ArgumentParser
import CommandSupport
import Federation
import Foundation
import Learning
import ModelOps

/// The knobs of a federation shared by `fedz run` and `fedz coordinator`.
struct FederationOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp(stringLiteral: ModelArgument.help))
    var model = "mlp"

    /// The architecture `--model` stands for: a built-in name, or a definition file's name and hash.
    var architecture: String { (try? ModelArgument.architecture(model)) ?? model }

    /// `--model` for a child process: a definition file by its absolute path.
    var modelForChildren: String { ModelArgument.forChildren(model) }

    @Option(help: "Data set: mnist (for mlp, cnn, lenet5, perceptron, som, competitive) or shakespeare (for char-lstm).")
    var dataset = "mnist"

    @Option(help: "Directory holding the data set files (default: the project's data/ folder).")
    var dataDir: String?

    @Option(help: ArgumentHelp(stringLiteral: "The test set each version is evaluated on: \(DataFile.formats) (default: the built-in data set's test split)."))
    var testData: String?

    @Option(help: "The label column of CSV files (--test-data, and the nodes' own data).")
    var labelColumn = "label"

    @Flag(help: "No test set at the coordinator: each version is evaluated only by the nodes, on their clients' held-out samples (the default for a model no built-in data set fits).")
    var noTestSet = false

    @Option(help: "Number of federated rounds.")
    var rounds = 20

    @Option(help: "C: fraction of the clients sampled per round.")
    var fraction = 0.1

    @Option(name: .customLong("sampling"),
            help: "How a round draws its clients: uniform (from all clients) or stratified (each node a share proportional to its clients; the default for median, trimmed-mean, krum and multi-krum, else uniform).")
    var samplingFlag: SamplingMode?

    @Option(name: .customLong("local-epochs"), help: "E: local epochs per round (default: 5).")
    var localEpochsFlag: Int?

    @Option(name: .customLong("batch-size"), help: "B: local mini-batch size (default: 5; char-lstm 10).")
    var batchSizeFlag: Int?

    @Option(name: .customLong("lr"), help: "Local learning rate, SGD (default: 0.05; char-lstm 1.47).")
    var lrFlag: Float?

    /// E: `--local-epochs`, else the model's default (`ModelZoo.localTraining`).
    var localEpochs: Int { localEpochsFlag ?? ModelZoo.localTraining(for: model).epochs }
    /// `--sampling`, else stratified for the Byzantine-robust strategies and uniform for the others.
    var sampling: SamplingMode { samplingFlag ?? SamplingMode.default(for: strategySpec) }
    /// B: `--batch-size`, else the model's default.
    var batchSize: Int { batchSizeFlag ?? ModelZoo.localTraining(for: model).batchSize }
    /// `--lr`, else the model's default.
    var lr: Float { lrFlag ?? ModelZoo.localTraining(for: model).learningRate }

    @Option(help: "Aggregation strategy: \(StrategySpec.names.joined(separator: ", ")) (default: fedavg; prototype-merge for \(ModelZoo.prototypeNames.sorted().joined(separator: ", "))).")
    var strategy: String?

    @OptionGroup(title: "Strategy parameters") var strategyFlags: StrategyFlags

    @Option(help: "Stop once the test accuracy reaches this fraction (default: run every round).")
    var targetAccuracy: Double?

    @Option(help: "Who promotes a new version to production: field (nodes' paired field reports show it beats production) or manual (only an admin, with fedz models promote; the first version still goes to production).")
    var promotion: Deployment.Policy = .field

    @Option(help: "A round completes with at least this many updates (capped at the number sampled).")
    var minClients = 2

    @Option(help: "Seconds a round waits for updates before closing with what it has.")
    var roundTimeout = 60.0

    @OptionGroup var heartbeat: HeartbeatOptions

    @OptionGroup(title: "Secure aggregation and differential privacy") var privacy: PrivacyOptions

    @Option(help: "Seed for model initialisation, client sampling and local shuffling.")
    var seed: UInt64 = 1

    @Option(name: .customLong("init"), help: "Start from the weights in this safetensors file (PyTorch's names and layouts, as fedz models export --format safetensors writes them) instead of seeded random ones; its tensor names and shapes must be the model's exactly.")
    var initialWeights: String?

    func validate() throws {
        guard Dataset(rawValue: dataset) != nil else {
            throw ValidationError("unknown data set '\(dataset)'; known: \(Dataset.names.joined(separator: ", "))")
        }
        let architecture = try ModelArgument.architecture(model)
        if testData != nil {
            guard !noTestSet else { throw ValidationError("--test-data and --no-test-set contradict each other") }
            do {
                _ = try ModelZoo.samples(for: architecture)
            } catch {
                throw ValidationError("model \(model) learns from no data file: \(error)")
            }
        } else if !noTestSet, let trainsOn = try? ModelZoo.dataset(for: architecture), trainsOn.rawValue != dataset {
            throw ValidationError("model \(model) does not train on \(dataset)")
        }
        do {
            _ = try strategySpec.make()
        } catch {
            throw ValidationError(error.description)
        }
        try validateModelStrategy()
        if let targetAccuracy, !(0...1).contains(targetAccuracy) {
            throw ValidationError("--target-accuracy must be in [0, 1]")
        }
        guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
        guard fraction > 0, fraction <= 1 else { throw ValidationError("--fraction must be in (0, 1]") }
        guard localEpochs > 0, batchSize > 0 else { throw ValidationError("--local-epochs and --batch-size must be positive") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number") }
        guard minClients > 0 else { throw ValidationError("--min-clients must be positive") }
        guard roundTimeout > 0 else { throw ValidationError("--round-timeout must be positive") }
        if let initialWeights { _ = try InitialWeights.load(path: initialWeights, architecture: architecture) }
    }

    var training: TrainingConfig {
        TrainingConfig(epochs: localEpochs, batchSize: batchSize, learningRate: lr, seed: seed)
    }

    /// `--strategy` with its parameters.
    var strategySpec: StrategySpec { strategyFlags.spec(name: strategy ?? defaultStrategy) }

    /// These options as command-line arguments, to hand them on to a child process.
    var arguments: [String] {
        [
            "--model", modelForChildren, "--dataset", dataset, "--rounds", "\(rounds)", "--fraction", "\(fraction)",
            "--sampling", sampling.rawValue,
            "--local-epochs", "\(localEpochs)", "--batch-size", "\(batchSize)", "--lr", "\(lr)",
            "--strategy", strategySpec.name, "--min-clients", "\(minClients)", "--round-timeout", "\(roundTimeout)",
            "--seed", "\(seed)", "--promotion", promotion.rawValue,
        ] + heartbeat.arguments + strategyFlags.arguments + privacy.arguments + (dataDir.map { ["--data-dir", $0] } ?? [])
            + (targetAccuracy.map { ["--target-accuracy", "\($0)"] } ?? [])
            + (testData.map { ["--test-data", URL(fileURLWithPath: $0).path] } ?? []) + ["--label-column", labelColumn]
            + (noTestSet ? ["--no-test-set"] : [])
            + (initialWeights.map { ["--init", URL(fileURLWithPath: $0).standardizedFileURL.path] } ?? [])
    }
}

extension SamplingMode: ExpressibleByArgument {}
extension Deployment.Policy: ExpressibleByArgument {}
