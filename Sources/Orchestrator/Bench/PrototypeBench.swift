import ArgumentParser
import CommandSupport
import Federation
import Foundation
import Learning
import ModelOps

/// `fedz bench som`: a prototype model (som or competitive) trained centrally on all of
/// MNIST's training set and federated with `fedz run` on each partition, on the same
/// schedule from the same initial map, and the test-set errors and accuracy of each as JSON.
struct PrototypeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "som",
        abstract: "Federated vs central self-organising map (or competitive learning) on MNIST; prints JSON.",
        discussion: """
            The central map takes one batch step per round on all 60,000 training images; each federated \
            run (fedz run, its default 100 clients, 10 % sampled per round) merges the sampled clients' \
            statistics. Arguments after -- go to fedz run. Standard output (or --out) gets \
            {"model", "rounds", "schedule", "central":{"quantization_error", "topographic_error", \
            "test_accuracy", "seconds"}, "federated":[{"partition", …, "ratio_to_central"}]}.
            """)

    @Option(help: "Model: som or competitive.")
    var model = "som"

    @Option(help: "Rounds (central batch steps).")
    var rounds = 20

    @Option(help: "Comma-separated partitions of the federated runs.")
    var partitions = "iid,shards"

    @Option(help: "Node processes of each federated run.")
    var nodes = 4

    @Option(help: "Seed of the initial map, the sampling and the partitions.")
    var seed: UInt64 = 1

    @Option(help: "Directory for the runs' state, logs and summaries.")
    var stateDir = "state/bench-som"

    @Option(help: "Draw the first federated run's final prototypes as an SVG image grid here.")
    var svg: String?

    @Option(help: "Write the JSON here instead of standard output.")
    var out: String?

    @Argument(parsing: .postTerminator, help: "Extra fedz run arguments, after --.")
    var extra: [String] = []

    func validate() throws {
        guard ModelZoo.prototypeNames.contains(model) else {
            throw ValidationError("--model must be one of \(ModelZoo.prototypeNames.sorted().joined(separator: ", "))")
        }
        guard rounds > 0, nodes > 0 else { throw ValidationError("--rounds and --nodes must be positive") }
        guard !partitions.isEmpty else { throw ValidationError("--partitions must name at least one partition") }
    }

    func run() async throws {
        let central = try centralRun()
        log("central: quantization error \(central.quantizationError), accuracy \(central.testAccuracy)")
        var federated: [PrototypeBenchResult] = []
        for (index, partition) in partitions.split(separator: ",").map(String.init).enumerated() {
            var result = try await federatedRun(partition: partition, svg: index == 0 ? svg : nil)
            result.ratioToCentral = result.quantizationError / central.quantizationError
            log("\(partition): quantization error \(result.quantizationError), accuracy \(result.testAccuracy)")
            federated.append(result)
        }
        let schedule = try (ModelZoo.learner(model, seed: seed) as? PrototypeLearner)?.schedule
        let report = PrototypeBenchReport(
            model: model, rounds: rounds, schedule: schedule.map(PrototypeBenchReport.Schedule.init), central: central,
            federated: federated)
        let json = try FedzJSON.encoder().encode(report) + Data("\n".utf8)
        if let out {
            try json.write(to: URL(fileURLWithPath: out), options: .atomic)
        } else {
            FileHandle.standardOutput.write(json)
        }
    }

    /// Batch steps on the whole training set, each merged as the coordinator merges a round.
    private func centralRun() throws -> PrototypeBenchResult {
        let directory = DataDirectory.resolve(nil, dataset: Dataset.mnist.rawValue)
        let (train, test) = (try Dataset.mnist.load(.train, from: directory), try Dataset.mnist.load(.test, from: directory))
        let learner = try ModelZoo.learner(model, seed: seed)
        let config = TrainingConfig(epochs: 1, batchSize: 1, learningRate: 1, seed: seed)
        let started = ContinuousClock.now
        for round in 1...rounds {
            let (_, statistics) = try learner.learn(from: train, config: config, round: round)
            try learner.setParameters(PrototypeLearner.merge(global: learner.parameters(), summedUpdates: statistics))
        }
        let seconds = (ContinuousClock.now - started).seconds
        return PrototypeBenchResult(partition: "central", evaluation: learner.evaluate(on: test), seconds: seconds)
    }

    /// One `fedz run`; its output goes to a log file.
    private func federatedRun(partition: String, svg: String?) async throws -> PrototypeBenchResult {
        let directory = URL(fileURLWithPath: stateDir).appendingPathComponent("\(model)-\(partition)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let summary = directory.appendingPathComponent("summary.json")
        let arguments = [
            "run", "--model", model, "--rounds", "\(rounds)", "--partition", partition, "--nodes", "\(nodes)",
            "--seed", "\(seed)", "--state-dir", directory.path, "--summary", summary.path, "--plaintext",
        ] + extra
        log("fedz \(arguments.joined(separator: " "))")
        let child = try ChildProcess(
            name: "fedz run", executable: ExecutableLocation.sibling("fedz"), arguments: arguments,
            logFile: directory.appendingPathComponent("run.log"))
        guard await child.exitStatus(within: .seconds(3600)) == 0 else {
            throw FedzError("fedz run (\(partition)) failed; see \(directory.path)/run.log")
        }
        struct Summary: Decodable { var rounds: [RoundResult] }
        guard let last = try JSONDecoder().decode(Summary.self, from: Data(contentsOf: summary)).rounds.last else {
            throw FedzError("fedz run (\(partition)) finished no round")
        }
        if let svg {
            let registry = try ModelRegistry.open(directory: directory)
            guard let latest = try registry.versions().last else { throw FedzError("no model version in \(directory.path)") }
            let image = try PrototypeGridSVG.render(architecture: model, weights: registry.weights(of: latest.number))
            try Data(image.utf8).write(to: URL(fileURLWithPath: svg), options: .atomic)
        }
        return PrototypeBenchResult(
            partition: partition, quantizationError: last.quantizationError ?? .nan, topographicError: last.topographicError,
            testAccuracy: last.testAccuracy, seconds: last.seconds)
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data("bench som: \(line)\n".utf8))
    }
}

/// One map's test-set figures in `fedz bench som`.
struct PrototypeBenchResult: Encodable {
    var partition: String
    var quantizationError: Double
    var topographicError: Double?
    var testAccuracy: Double
    /// Central: seconds of all batch steps; federated: seconds of the last round.
    var seconds: Double
    var ratioToCentral: Double?

    init(partition: String, quantizationError: Double, topographicError: Double?, testAccuracy: Double, seconds: Double) {
        (self.partition, self.quantizationError, self.topographicError, self.testAccuracy, self.seconds) =
            (partition, quantizationError, topographicError, testAccuracy, seconds)
    }

    init(partition: String, evaluation: Evaluation, seconds: Double) {
        self.init(partition: partition, quantizationError: evaluation.quantizationError ?? .nan,
                  topographicError: evaluation.topographicError, testAccuracy: evaluation.accuracy, seconds: seconds)
    }

    enum CodingKeys: String, CodingKey {
        case partition, seconds
        case quantizationError = "quantization_error"
        case topographicError = "topographic_error"
        case testAccuracy = "test_accuracy"
        case ratioToCentral = "ratio_to_central"
    }
}

/// The JSON `fedz bench som` prints.
struct PrototypeBenchReport: Encodable {
    /// The neighbourhood radius σ of round r (from 1): from `initial_radius` to `final_radius`
    /// geometrically over `steps` rounds, then constant.
    struct Schedule: Encodable {
        var initialRadius: Float
        var finalRadius: Float
        var steps: Int

        init(_ schedule: MapSchedule) {
            (initialRadius, finalRadius, steps) = (schedule.initialRadius, schedule.finalRadius, schedule.steps)
        }

        enum CodingKeys: String, CodingKey {
            case steps
            case initialRadius = "initial_radius"
            case finalRadius = "final_radius"
        }
    }

    var model: String
    var rounds: Int
    var schedule: Schedule?
    var central: PrototypeBenchResult
    var federated: [PrototypeBenchResult]
}
