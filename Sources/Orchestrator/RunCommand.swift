import Actors
import ArgumentParser
import CommandSupport
import Federation
import Foundation
import Logging

/// `fedz run`: a whole local cluster — the coordinator and N `fedz-node` processes —
/// on loopback; one progress line per round; torn down on exit, error or Ctrl-C.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a whole local federation: coordinator and node processes.")

    @OptionGroup var federation: FederationOptions

    @Option(help: "Number of node processes.")
    var nodes = 4

    @Option(help: "K: virtual clients in the federation, spread over the nodes.")
    var clients = 100

    @Option(help: "How the training set is split into clients: iid, shards or roles (shakespeare).")
    var partition = "iid"

    @Option(help: "Directory for logs (and later the registry).")
    var stateDir = "state"

    @Option(help: "Write a JSON summary of the run to this file.")
    var summary: String?

    @Option(help: "Coordinator PUB port on 127.0.0.1 (0: any free port).")
    var publishPort = 0

    @Option(help: "Coordinator PULL port on 127.0.0.1 (0: any free port).")
    var pullPort = 0

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard nodes > 0, clients >= nodes else { throw ValidationError("need --nodes > 0 and --clients ≥ --nodes") }
        guard try DataPlan.Partition(partition) != .roles || federation.dataset == "shakespeare" else {
            throw ValidationError("--partition roles needs --dataset shakespeare")
        }
        for port in [publishPort, pullPort] where !(0...65535).contains(port) {
            throw ValidationError("port \(port) is not in 0…65535")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "fedz.run")
        let started = ContinuousClock.now
        let logs = URL(fileURLWithPath: stateDir).appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)

        let events = Pipe()
        let coordinator = try ChildProcess(
            name: "coordinator", executable: ExecutableLocation.sibling("fedz"),
            arguments: ["coordinator", "--publish", endpoint(publishPort), "--pull", endpoint(pullPort),
                        "--expect-clients", "\(clients)", "--parent-pid", "\(getpid())",
                        "--log-level", "\(logging.logLevel)"] + federation.arguments,
            logFile: logs.appendingPathComponent("coordinator.log"), output: events)
        try events.fileHandleForWriting.close()
        let cluster = Cluster(coordinator: coordinator)

        let work = Task { try await follow(events: LineReader.lines(of: events), cluster: cluster, logs: logs) }
        let watch = ProcessLifecycle.onTermination { reason in
            logger.notice("stopping the cluster", metadata: ["reason": "\(reason)"])
            work.cancel()
        }
        defer { withExtendedLifetime(watch) {} }
        let outcome = await work.result
        let stopping = ContinuousClock.now
        await cluster.stopAll()
        logger.info("cluster stopped", metadata: ["seconds": "\((ContinuousClock.now - stopping).seconds)"])
        if work.isCancelled {
            print("interrupted: every process of the cluster has stopped")
            throw ExitCode(130)
        }
        let (rounds, rejected) = try outcome.get()

        print("done: \(rounds.count) rounds, final test accuracy \(percent(rounds.last?.testAccuracy)), "
            + "\(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s; logs in \(logs.path)")
        if let summary {
            try RunSummary(
                config: summaryConfig, rounds: rounds, finalTestAccuracy: rounds.last?.testAccuracy, alerts: [],
                productionVersion: rounds.last?.modelVersion, rejected: rejected,
                seconds: (ContinuousClock.now - started).seconds
            ).write(to: summary)
            print("summary written to \(summary)")
        }
    }

    /// Follows the coordinator's events: starts the nodes once it is ready, prints
    /// each round, returns at `finished`.
    private func follow(
        events: AsyncStream<String>, cluster: Cluster, logs: URL
    ) async throws -> ([RoundResult], [String: Int]) {
        var rounds: [RoundResult] = []
        for await line in events {
            guard let event = try? JSONDecoder().decode(CoordinatorEvent.self, from: Data(line.utf8)) else { continue }
            switch event {
            case let .ready(publish, pull):
                try await cluster.startNodes((0..<nodes).map(nodeArguments(publish: publish, pull: pull)), logs: logs)
                print("fedz run: coordinator on \(publish) and \(pull); \(nodes) node processes, \(clients) clients, "
                    + "\(federation.model) on \(federation.dataset); logs in \(logs.path)")
            case let .round(result):
                rounds.append(result)
                print(progressLine(result))
            case let .abandoned(round, reason):
                print("round \(round) abandoned: \(reason); retrying")
            case let .finished(_, _, rejected):
                return (rounds, rejected)
            }
        }
        try Task.checkCancellation()
        throw FedzError(
            "the coordinator exited (status \(cluster.coordinator.exitStatus)) before finishing; see \(logs.path)/coordinator.log")
    }

    private func progressLine(_ result: RoundResult) -> String {
        String(
            format: "round %3d/%d  participants %d/%d  train loss %.4f  test accuracy %@  %.2f s",
            result.round, federation.rounds, result.participants, result.sampled, result.trainLoss,
            percent(result.testAccuracy), result.seconds)
    }

    private func percent(_ value: Double?) -> String {
        value.map { String(format: "%.2f %%", $0 * 100) } ?? "n/a"
    }

    private func endpoint(_ port: Int) -> String {
        "tcp://127.0.0.1:" + (port == 0 ? "*" : "\(port)")
    }

    private func nodeArguments(publish: String, pull: String) -> (Int) -> [String] {
        let common = [
            "--coordinator-publish", publish, "--coordinator-pull", pull, "--model", federation.model,
            "--dataset", federation.dataset, "--clients", "\(clients)", "--node-count", "\(nodes)",
            "--partition", partition, "--seed", "\(federation.seed)",
            "--heartbeat-interval", "\(federation.heartbeatInterval)", "--parent-pid", "\(getpid())",
            "--log-level", "\(logging.logLevel)",
        ] + (federation.dataDir.map { ["--data-dir", $0] } ?? [])
        return { index in ["--id", "node-\(index)", "--node-index", "\(index)"] + common }
    }

    private var summaryConfig: [String: String] {
        [
            "model": federation.model, "dataset": federation.dataset, "nodes": "\(nodes)", "clients": "\(clients)",
            "rounds": "\(federation.rounds)", "fraction": "\(federation.fraction)",
            "local_epochs": "\(federation.localEpochs)", "batch_size": "\(federation.batchSize)",
            "lr": "\(federation.lr)", "partition": partition, "strategy": federation.strategy,
            "min_clients": "\(federation.minClients)", "seed": "\(federation.seed)",
        ]
    }
}

/// The processes of a local cluster, so that all of them can be stopped together.
actor Cluster {
    nonisolated let coordinator: ChildProcess
    private var nodes: [ChildProcess] = []

    init(coordinator: ChildProcess) { self.coordinator = coordinator }

    /// Starts one `fedz-node` per argument list, logging to `logs/node-<index>.log`.
    func startNodes(_ arguments: [[String]], logs: URL) throws {
        for (index, nodeArguments) in arguments.enumerated() {
            nodes.append(try ChildProcess(
                name: "node-\(index)", executable: ExecutableLocation.sibling("fedz-node"), arguments: nodeArguments,
                logFile: logs.appendingPathComponent("node-\(index).log")))
        }
    }

    func stopAll() async {
        await withTaskGroup(of: Void.self) { group in
            for node in nodes { group.addTask { await node.stop() } }
        }
        await coordinator.stop()
    }
}
