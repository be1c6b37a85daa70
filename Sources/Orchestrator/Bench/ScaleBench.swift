import ArgumentParser
import Federation
import Foundation

/// `fedz bench scale`: the coordinator's cost as registered clients, node processes and
/// clients per round grow, and model broadcast over PUB against raw libzmq.
struct ScaleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Run federations of growing size on this machine and print the coordinator's costs as JSON.",
        discussion: """
            For each CLIENTSxNODESxPER_ROUND of --grid, starts a coordinator and NODES fedz-node \
            processes (plain text, loopback, no monitor) hosting CLIENTS virtual clients of the MLP on \
            MNIST (IID), runs --rounds rounds sampling PER_ROUND clients each, and reports the round \
            phases the coordinator measured (broadcast, training, collection, aggregation, recording; \
            means over the rounds after the first; also evaluation, which overlaps the next round), the \
            coordinator's overhead (broadcast + aggregation + recording, in which no node trains) as a \
            fraction of round time, the same counting also its work on updates during \
            collection, the coordinator's peak memory (VmHWM) and every \
            node's memory after the last round. Then sends the MLP's model message --broadcast-messages \
            times over PUB/SUB through raw libzmq and through fedz's actors, alternating, \
            --broadcast-repeats times each. Prints one JSON object.
            """)

    @Option(help: "Configurations CLIENTSxNODESxPER_ROUND, comma-separated.")
    var grid = "100x10x10,1000x10x100,10000x100x100,10000x100x1000"

    @Option(help: "Rounds per configuration.")
    var rounds = 3

    @Option(help: "E: local epochs (kept small: the point is the coordinator's cost).")
    var localEpochs = 1

    @Option(help: "B: local mini-batch size.")
    var batchSize = 10

    @Option(help: "Model messages per broadcast burst.")
    var broadcastMessages = 200

    @Option(help: "Bursts per transport (raw libzmq, actors).")
    var broadcastRepeats = 5

    @Option(help: "Directory for the runs' logs and registries (default: a fresh temporary one).")
    var stateDir: String?

    @Option(help: "Write the JSON to this file instead of standard output.")
    var out: String?

    func validate() throws {
        _ = try configurations
        guard rounds > 0, localEpochs > 0, batchSize > 0, broadcastMessages > 0, broadcastRepeats > 0 else {
            throw ValidationError("--rounds, --local-epochs, --batch-size, --broadcast-messages and --broadcast-repeats must be positive")
        }
    }

    private var configurations: [ScaleConfiguration] {
        get throws {
            do {
                return try grid.split(separator: ",").map { text throws(PlanError) in try ScaleConfiguration(String(text)) }
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func run() async throws {
        struct Report: Encodable {
            var bench = "scale"
            var settings: [String: String]
            var loadAverageBefore: String
            var loadAverageAfter: String
            var configurations: [ScaleRun.Outcome]
            var broadcast: BroadcastComparison

            enum CodingKeys: String, CodingKey {
                case bench, settings, configurations, broadcast
                case loadAverageBefore = "load_average_before"
                case loadAverageAfter = "load_average_after"
            }
        }
        let directory = URL(fileURLWithPath: stateDir ?? NSTemporaryDirectory() + "fedz-bench-scale-\(getpid())")
        let loadBefore = Self.loadAverage()
        var outcomes: [ScaleRun.Outcome] = []
        for configuration in try configurations {
            note("\(configuration): starting")
            let run = ScaleRun(
                configuration: configuration, rounds: rounds, localEpochs: localEpochs, batchSize: batchSize,
                directory: directory.appendingPathComponent(configuration.description))
            let outcome = try await run.measure()
            note("\(configuration): \(String(format: "%.1f", outcome.wallSeconds)) s, overhead "
                + (outcome.phases.map { String(format: "%.2f %% (with update handling %.2f %%)", $0.overheadFraction * 100, $0.workFraction * 100) } ?? "n/a"))
            outcomes.append(outcome)
        }
        note("broadcast: raw libzmq against the actors")
        let broadcast = try await BroadcastComparison.measure(messages: broadcastMessages, repeats: broadcastRepeats)
        let report = Report(
            settings: [
                "model": "mlp", "dataset": "mnist", "partition": "iid", "rounds": "\(rounds)",
                "local_epochs": "\(localEpochs)", "batch_size": "\(batchSize)", "transport": "tcp loopback, plain text",
                "state_dir": directory.path,
            ],
            loadAverageBefore: loadBefore, loadAverageAfter: Self.loadAverage(), configurations: outcomes, broadcast: broadcast)
        let json = try FedzJSON.encoder().encode(report)
        if let out {
            try json.write(to: URL(fileURLWithPath: out))
        } else {
            print(String(decoding: json, as: UTF8.self))
        }
    }

    /// Progress on standard error, so that standard output stays JSON.
    private func note(_ text: String) {
        FileHandle.standardError.write(Data("fedz bench scale: \(text)\n".utf8))
    }

    /// The first three fields of /proc/loadavg (1, 5 and 15 minutes).
    private static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
    }
}
