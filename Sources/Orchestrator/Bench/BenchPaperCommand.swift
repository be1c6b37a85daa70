import Actors
import ArgumentParser
import CommandSupport
import Federation
import FedzProtocol
import Foundation
import Learning

/// `fedz bench paper SETTING`: runs `fedz run` on a FedAvg-paper setting until the
/// paper's target accuracy or a round budget, once per learning rate, and prints JSON
/// with rounds-to-target and seconds per round.
struct BenchPaperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paper",
        abstract: "Reproduce a FedAvg-paper MNIST setting with fedz run; print rounds-to-target as JSON.",
        discussion: """
            SETTING is mnist-{2nn|cnn}-{iid|noniid}-{eE-bB|eE-binf|fedsgd}, e.g. \
            \(BenchPaperSetting.examples.joined(separator: ", ")). Arguments after -- go to fedz run \
            (e.g. -- --strategy fedprox --partition dirichlet:0.3). Progress goes to standard error; \
            standard output (or --out) gets {"setting":{"name", "model", "partition", "strategy", \
            "local_epochs", "batch_size", "target", "paper_rounds_to_target"}, "target_accuracy", \
            "round_budget", "extra_arguments", "runs":[{"lr", "rounds_to_target", "rounds_run", \
            "final_test_accuracy", "best_test_accuracy", "seconds_per_round", "accuracy_curve"}], "best"}.
            """)

    @Argument(help: "The paper setting to run.")
    var setting: String

    @Option(help: "Round budget (default: 1.5 × the paper's rounds to target, or 100).")
    var rounds: Int?

    @Option(help: "Target test accuracy (default: the paper's, 0.97 for the 2NN and 0.99 for the CNN).")
    var target: Double?

    @Option(help: "Client learning rate.")
    var lr: Float = 0.05

    @Option(help: "Comma-separated client learning rates to sweep instead of --lr, e.g. 0.02,0.05,0.1.")
    var lrSweep: String?

    @Option(help: "Node processes of each run.")
    var nodes = 4

    @Option(help: "Seed of each run.")
    var seed: UInt64 = 1

    @Option(help: "Directory for the runs' logs and summaries.")
    var stateDir = "state/bench-paper"

    @Option(help: "Write the JSON here instead of standard output.")
    var out: String?

    @Argument(parsing: .postTerminator, help: "Extra fedz run arguments, after --.")
    var extra: [String] = []

    func validate() throws {
        let parsed: BenchPaperSetting
        do { parsed = try BenchPaperSetting(setting) } catch { throw ValidationError(error.description) }
        guard ModelZoo.names.contains(parsed.model) else {
            throw ValidationError("\(setting) needs model '\(parsed.model)', which this build lacks; known: \(ModelZoo.names.joined(separator: ", "))")
        }
        guard (rounds ?? 1) > 0, nodes > 0 else { throw ValidationError("--rounds and --nodes must be positive") }
        if let target, !(0...1).contains(target) { throw ValidationError("--target must be in [0, 1]") }
        guard try learningRates.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw ValidationError("learning rates must be positive numbers")
        }
    }

    private var learningRates: [Float] {
        get throws {
            guard let lrSweep else { return [lr] }
            return try lrSweep.split(separator: ",").map { text in
                guard let value = Float(text) else { throw ValidationError("--lr-sweep: '\(text)' is not a number") }
                return value
            }
        }
    }

    func run() async throws {
        let setting = try BenchPaperSetting(setting)
        let target = self.target ?? setting.target
        let budget = rounds ?? setting.paperRounds.map { Int((Double($0) * 1.5).rounded(.up)) } ?? 100
        var runs: [BenchPaperRun] = []
        for lr in try learningRates {
            runs.append(try await runOnce(setting, lr: lr, target: target, budget: budget))
        }
        let report = BenchPaperReport(
            setting: setting, targetAccuracy: target, roundBudget: budget, extraArguments: extra, runs: runs,
            best: BenchPaperRun.best(runs))
        let json = try FedzJSON.encoder().encode(report) + Data("\n".utf8)
        if let out {
            try json.write(to: URL(fileURLWithPath: out), options: .atomic)
        } else {
            FileHandle.standardOutput.write(json)
        }
    }

    /// One `fedz run` to the target or the budget; its output goes to a log file.
    private func runOnce(_ setting: BenchPaperSetting, lr: Float, target: Double, budget: Int) async throws -> BenchPaperRun {
        let directory = URL(fileURLWithPath: stateDir).appendingPathComponent("\(setting.name)-lr\(lr)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let summary = directory.appendingPathComponent("summary.json")
        try? FileManager.default.removeItem(at: summary)
        let arguments = ["run"] + setting.runArguments + [
            "--lr", "\(lr)", "--rounds", "\(budget)", "--target-accuracy", "\(target)", "--nodes", "\(nodes)",
            "--seed", "\(seed)", "--state-dir", directory.path, "--summary", summary.path, "--plaintext",
            "--parent-pid", "\(getpid())",
        ] + extra
        FileHandle.standardError.write(Data("bench paper: fedz \(arguments.joined(separator: " "))\n".utf8))
        let child = try ChildProcess(
            name: "fedz run", executable: ExecutableLocation.sibling("fedz"), arguments: arguments,
            logFile: directory.appendingPathComponent("run.log"))
        // A Ctrl-C reaches the child too (it is in this terminal's process group); a SIGTERM or
        // SIGKILL of this process does not, so the child stops its cluster once its parent is gone.
        let status = await child.exitStatus(within: .seconds(86_400))
        // A run that gave up (e.g. its model diverged) still writes the rounds it ran and why.
        struct Summary: Decodable { var rounds: [RoundResult]; var error: String? }
        let written = try? FedzJSON.decoder.decode(Summary.self, from: Data(contentsOf: summary))
        guard status == 0 else {
            let error = (written?.error ?? "fedz run exited with \(status.map { "status \($0)" } ?? "no status")")
                + "; see \(directory.path)/run.log"
            FileHandle.standardError.write(Data("bench paper: lr \(lr): \(error)\n".utf8))
            return BenchPaperRun(lr: lr, rounds: written?.rounds ?? [], target: target, error: error)
        }
        guard let written else { throw FedzError("fedz run wrote no readable summary at \(summary.path)") }
        let result = BenchPaperRun(lr: lr, rounds: written.rounds, target: target)
        let outcome = result.roundsToTarget.map { "target after \($0) rounds" } ?? "target not reached"
        let line = "bench paper: lr \(lr): \(outcome), best \(result.bestTestAccuracy ?? 0), \(result.secondsPerRound ?? 0) s/round\n"
        FileHandle.standardError.write(Data(line.utf8))
        return result
    }
}
