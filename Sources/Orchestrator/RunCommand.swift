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

    @Option(help: "How the training set is split into clients: \(DataPlan.Partition.forms) (roles: shakespeare only).")
    var partition = "iid"

    @Option(help: "Make round(F·nodes) nodes, chosen from the seed, corrupt their updates: fraction=F,kind=scale:FACTOR|noise[:SIGMA]|flip-labels.")
    var byzantine: String?

    @Option(help: "Directory for logs (and later the registry).")
    var stateDir = "state"

    @Option(help: "Write a JSON summary of the run to this file.")
    var summary: String?

    @Option(help: "Coordinator PUB port on 127.0.0.1 (0: any free port).")
    var publishPort = 0

    @Option(help: "Coordinator PULL port on 127.0.0.1 (0: any free port).")
    var pullPort = 0

    @Option(help: "Inject drift into the nodes' data, e.g. round=15,kind=rotate:60,fraction=1.0 (kinds: rotate:DEG, permute-labels, noise:SIGMA).")
    var drift: String?

    @Option(help: "Faults to inject into every node's messages, e.g. drop=0.1,duplicate=0.05,delay=0.2:150 (see fedz-node --help).")
    var faultPlan: String?

    @Flag(help: "Run the cluster unencrypted (by default fedz run generates throw-away CurveZMQ keys).")
    var plaintext = false

    @OptionGroup var logging: LoggingOptions

    @OptionGroup var config: ConfigOptions

    func validate() throws {
        guard nodes > 0, clients >= nodes else { throw ValidationError("need --nodes > 0 and --clients ≥ --nodes") }
        guard try DataPlan.Partition(partition) != .roles || federation.dataset == "shakespeare" else {
            throw ValidationError("--partition roles needs --dataset shakespeare")
        }
        if let faultPlan { _ = try FaultPlan(parsing: faultPlan) }
        if let drift { _ = try DriftSpec(parsing: drift) }
        _ = try byzantinePlan
        for port in [publishPort, pullPort] where !(0...65535).contains(port) {
            throw ValidationError("port \(port) is not in 0…65535")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "fedz.run")
        let started = ContinuousClock.now
        let logs = URL(fileURLWithPath: stateDir).appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)

        let security = try prepareSecurity()
        let events = Pipe()
        let coordinator = try ChildProcess(
            name: "coordinator", executable: ExecutableLocation.sibling("fedz"),
            arguments: ["coordinator", "--publish", endpoint(publishPort), "--pull", endpoint(pullPort),
                        "--expect-clients", "\(clients)", "--parent-pid", "\(getpid())", "--state-dir", stateDir]
                + logging.arguments + federation.arguments + security,
            logFile: logs.appendingPathComponent("coordinator.log"), output: events)
        try events.fileHandleForWriting.close()
        let cluster = Cluster(coordinator: coordinator)

        let work = Task {
            try await follow(events: LineReader.lines(of: events), cluster: cluster, logs: logs, security: security)
        }
        let watch = ProcessLifecycle.onTermination { reason in
            // End a live progress line (and the terminal's ^C) before the notice.
            if isatty(STDOUT_FILENO) != 0 { FileHandle.standardOutput.write(Data("\n".utf8)) }
            logger.notice("stopping the cluster", metadata: ["reason": "\(reason)"])
            work.cancel()
        }
        defer { withExtendedLifetime(watch) {} }
        let outcome = await work.result
        let stopping = ContinuousClock.now
        await cluster.stopAll()
        logger.debug("cluster stopped", metadata: ["seconds": "\((ContinuousClock.now - stopping).seconds)"])
        if work.isCancelled {
            print("interrupted: every process of the cluster has stopped")
            throw ExitCode(130)
        }
        let (report, roundsFinishedAt) = try outcome.get()

        print("done: \(report.rounds.count) rounds, final test accuracy \(percent(report.finalTestAccuracy)), "
            + "production version \(report.productionVersion.map(String.init) ?? "none"), \(report.alerts.count) alert(s), "
            + "\(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s; logs in \(logs.path)")
        if let summary {
            try RunSummary(
                config: summaryConfig, report: report, seconds: (ContinuousClock.now - started).seconds,
                roundsFinishedAt: roundsFinishedAt
            ).write(to: summary)
            print("summary written to \(summary)")
        }
    }

    /// Follows the coordinator's events: starts the nodes once it is ready, prints
    /// each round and the open round's progress, returns at `finished` with when each round finished.
    private func follow(
        events: AsyncStream<String>, cluster: Cluster, logs: URL, security: [String]
    ) async throws -> (RunReport, [Int: Double]) {
        var console = RunConsole(rounds: federation.rounds, live: isatty(STDOUT_FILENO) != 0)
        var finishedAt: [Int: Double] = [:]
        func show(_ text: String) { write(console.line(text)) }
        for await line in events {
            guard let event = try? JSONDecoder().decode(CoordinatorEvent.self, from: Data(line.utf8)) else { continue }
            switch event {
            case let .ready(publish, pull):
                try await cluster.startNodes((0..<nodes).map(nodeArguments(publish: publish, pull: pull, security: security)), logs: logs)
                show("fedz run: coordinator on \(publish) and \(pull); \(nodes) node processes, \(clients) clients, "
                    + "\(federation.model) on \(federation.dataset); logs in \(logs.path)")
            case let .round(result):
                finishedAt[result.round] = Date().timeIntervalSince1970
                console.roundFinished(seconds: result.seconds)
                show(progressLine(result))
            case let .progress(round, answered, sampled, elapsed):
                console.progress(round: round, answered: answered, sampled: sampled, elapsed: elapsed).map(write)
            case let .abandoned(round, reason):
                show("round \(round) abandoned: \(reason); retrying")
            case let .finished(report):
                return (report, finishedAt)
            case let .promoted(version, reason):
                show("version \(version) promoted to production: \(reason)")
            case let .retraining(alert, reason):
                show("drift alert \(alert): \(reason); retraining from production")
            case let .refused(publicKey):
                show("refused a node with unknown key \(publicKey)")
            }
        }
        try Task.checkCancellation()
        let status = await cluster.coordinator.exitStatus().map { "status \($0)" } ?? "output closed"
        throw FedzError("the coordinator stopped (\(status)) before finishing; see \(logs.path)/coordinator.log")
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
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

    /// Fresh CurveZMQ keys for this run's coordinator and nodes under the state
    /// directory (or `--plaintext`), as arguments for the child processes.
    private func prepareSecurity() throws -> [String] {
        if plaintext { return ["--plaintext"] }
        let directory = URL(fileURLWithPath: stateDir).appendingPathComponent("keys").path
        try KeyStore(directory: directory).generate(nodes: nodes, force: true)
        return ["--keys", directory]
    }

    private func nodeArguments(publish: String, pull: String, security: [String]) -> (Int) -> [String] {
        let common = [
            "--coordinator-publish", publish, "--coordinator-pull", pull, "--model", federation.model,
            "--dataset", federation.dataset, "--clients", "\(clients)", "--node-count", "\(nodes)",
            "--partition", partition, "--seed", "\(federation.seed)",
            "--parent-pid", "\(getpid())",
        ] + logging.arguments + federation.heartbeat.arguments + (federation.dataDir.map { ["--data-dir", $0] } ?? [])
            + (faultPlan.map { ["--fault-plan", $0] } ?? []) + (drift.map { ["--drift", $0] } ?? []) + security
        let (plan, corrupted) = ((try? byzantinePlan) ?? nil, Set(byzantineNodes))
        return { index in
            ["--id", "node-\(index)", "--node-index", "\(index)"] + common
                + (plan.map { corrupted.contains(index) ? ["--byzantine", $0.behavior.description] : [] } ?? [])
        }
    }

    /// The parsed `--byzantine`, checked in `validate`.
    private var byzantinePlan: ByzantinePlan? {
        get throws { try byzantine.map { text throws(PlanError) in try ByzantinePlan(text) } }
    }

    /// Indices of the nodes `--byzantine` makes Byzantine.
    private var byzantineNodes: [Int] {
        ((try? byzantinePlan) ?? nil)?.byzantineNodes(of: nodes, seed: federation.seed) ?? []
    }

    private var summaryConfig: [String: String] {
        [
            "model": federation.model, "dataset": federation.dataset, "nodes": "\(nodes)", "clients": "\(clients)",
            "rounds": "\(federation.rounds)", "fraction": "\(federation.fraction)",
            "local_epochs": "\(federation.localEpochs)", "batch_size": "\(federation.batchSize)",
            "lr": "\(federation.lr)", "partition": partition, "strategy": federation.strategy,
            "min_clients": "\(federation.minClients)", "seed": "\(federation.seed)", "drift": drift ?? "none",
            "strategy_parameters": federation.strategySpec.parameterSummary,
            "target_accuracy": federation.targetAccuracy.map { "\($0)" } ?? "none",
            "byzantine": byzantine ?? "none",
            "byzantine_nodes": byzantineNodes.map { "node-\($0)" }.joined(separator: ","),
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
