import Actors
import ArgumentParser
import CommandSupport
import Federation
import Learning
import FedzProtocol
import Foundation
import Logging
import Telemetry

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

    @Option(help: ArgumentHelp(stringLiteral: "A folder of the nodes' own data instead of a built-in data set: node i reads only DIR/node-i, which holds \(DataFile.formats). Each version is evaluated by the nodes on their held-out samples (and on --test-data, if given)."))
    var data: String?

    @Option(help: "The share of each node's --data held out for evaluation, never trained on: in [0, 1).")
    var holdout = 0.1

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

    @Option(help: "Seconds to keep the cluster, its metrics and the dashboard up after the last round.")
    var linger = 0.0

    @Option(help: "Stop the cluster when the process with this id is no longer the parent (set by fedz bench paper).")
    var parentPid: Int32?

    @OptionGroup var metrics: MetricsOptions

    @OptionGroup var logging: LoggingOptions

    @OptionGroup var config: ConfigOptions

    func validate() throws {
        guard linger >= 0 else { throw ValidationError("--linger must not be negative") }
        guard nodes > 0, clients >= nodes else { throw ValidationError("need --nodes > 0 and --clients ≥ --nodes") }
        guard try DataPlan.Partition(partition) != .roles || federation.dataset == "shakespeare" else {
            throw ValidationError("--partition roles needs --dataset shakespeare")
        }
        if let faultPlan { _ = try FaultPlan(parsing: faultPlan) }
        if let drift { _ = try DriftSpec(parsing: drift) }
        _ = try byzantinePlan
        guard data != nil || (try? ModelZoo.dataset(for: federation.architecture)) != nil else {
            throw ValidationError("model \(federation.model) has no built-in data set: give the nodes' own data with --data DIR")
        }
        if let data {
            guard (0..<1).contains(holdout) else { throw ValidationError("--holdout must be in [0, 1)") }
            for index in 0..<nodes where !FileManager.default.fileExists(atPath: nodeData(data, index)) {
                throw ValidationError("--data \(data): no folder node-\(index) for node \(index) of \(nodes)")
            }
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

        let security = try prepareSecurity()
        let pids = URL(fileURLWithPath: stateDir).appendingPathComponent("pids")
        try FileManager.default.createDirectory(at: pids, withIntermediateDirectories: true)
        let cluster = LocalCluster(logs: logs, pids: pids)
        let ports = try metrics.noMetrics ? nil : ClusterPorts(base: metrics.metricsPort ?? 0, nodes: nodes)
        let outcome = await ProcessServices.run(parent: parentPid, logger: logger) { reason in
            // End a live progress line (and the terminal's ^C) before the notice.
            if isatty(STDOUT_FILENO) != 0 { FileHandle.standardOutput.write(Data("\n".utf8)) }
            logger.notice("stopping the cluster", metadata: ["reason": "\(reason)"])
        } _: {
            try await withThrowingTaskGroup(of: (RunReport, [Int: Double])?.self) { group in
                group.addTask {
                    try await cluster.keepAlive { show("\($0) stopped; restarting it") }
                    return nil
                }
                group.addTask { try await supervise(cluster, security: security, logs: logs, ports: ports) }
                defer { group.cancelAll() }
                while let outcome = try await group.next() {
                    if let outcome { return outcome }
                }
                throw CancellationError()
            }
        }
        let stopping = ContinuousClock.now
        await cluster.stopAll()
        logger.debug("cluster stopped", metadata: ["seconds": "\((ContinuousClock.now - stopping).seconds)"])
        guard case .finished(let result) = outcome else {
            show("interrupted: every process of the cluster has stopped")
            throw ExitCode(130)
        }
        let (report, roundsFinishedAt) = try result.get()

        let finalAccuracy = report.rounds.last?.centralTest == false ? "final federated accuracy" : "final test accuracy"
        show((report.failure == nil ? "done" : "gave up") + ": \(report.rounds.count) rounds, \(finalAccuracy) \(percent(report.finalTestAccuracy)), "
            + "production version \(report.productionVersion.map(String.init) ?? "none"), \(report.alerts.count) alert(s), "
            + "\(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s; logs in \(logs.path)")
        if let summary {
            try RunSummary(
                config: summaryConfig, report: report, seconds: (ContinuousClock.now - started).seconds,
                roundsFinishedAt: roundsFinishedAt
            ).write(to: summary)
            write("summary written to \(summary)\n")
        }
        if let failure = report.failure { throw FedzError("the run gave up: \(failure)") }
    }

    /// What `fedz run` keeps while it follows its coordinator, across restarts: the console
    /// (live progress on a terminal) and when each round finished.
    private struct Following {
        var console: RunConsole
        var finishedAt: [Int: Double] = [:]
    }

    /// Runs the coordinator until it finishes, restarting it with `--resume` on the same
    /// endpoints when it dies (the nodes and the monitor reconnect by themselves). Returns
    /// the run's report and when each round finished.
    private func supervise(
        _ cluster: LocalCluster, security: [String], logs: URL, ports: ClusterPorts?
    ) async throws -> (RunReport, [Int: Double]) {
        var endpoints: CoordinatorEndpoints = (endpoint(publishPort), endpoint(pullPort), endpoint(0))
        var resume: [String] = []
        var following = Following(console: RunConsole(rounds: federation.rounds, live: isatty(STDOUT_FILENO) != 0))
        for restart in 0...Self.coordinatorRestarts {
            let arguments = ["coordinator", "--publish", endpoints.publish, "--pull", endpoints.pull,
                             "--control", endpoints.control,
                             "--expect-clients", "\(clients)", "--parent-pid", "\(getpid())", "--state-dir", stateDir]
                + logging.arguments + federation.arguments + security + resume
                + (data != nil && federation.testData == nil && !federation.noTestSet ? ["--no-test-set"] : [])
                + metrics.arguments(port: ports?.coordinator) + ["--linger", "\(linger)"]
            let events = try await cluster.startCoordinator(arguments)
            switch try await follow(events: events, cluster: cluster, logs: logs, security: security, ports: ports, &following) {
            case .finished(let report):
                if linger > 0 {
                    write(following.console.line("all rounds done; the cluster stays up \(linger) s (Ctrl-C stops it)"))
                    try await Task.sleep(for: .seconds(linger))
                }
                return (report, following.finishedAt)
            case .stopped(let bound):
                try Task.checkCancellation()
                let status = await cluster.coordinatorExitStatus().map { "status \($0)" } ?? "output closed"
                guard let bound, restart < Self.coordinatorRestarts else {
                    throw FedzError("the coordinator stopped (\(status)) before finishing; see \(logs.path)/coordinator.log")
                }
                write(following.console.line("the coordinator stopped (\(status)); restarting it to resume from its checkpoint"))
                endpoints = bound
                resume = ["--resume"]
            }
        }
        throw FedzError("the coordinator kept stopping; see \(logs.path)/coordinator.log")
    }

    /// The endpoints a coordinator bound: nodes and the monitor reconnect to the same ones after a restart.
    typealias CoordinatorEndpoints = (publish: String, pull: String, control: String)

    /// How many times `fedz run` restarts a coordinator that died.
    static let coordinatorRestarts = 5

    /// How following one coordinator process ended.
    private enum FollowOutcome {
        case finished(RunReport)
        /// Its output ended without `finished`; the endpoints it had bound, if it got that far.
        case stopped(CoordinatorEndpoints?)
    }

    /// Follows one coordinator process's events: starts the nodes and the monitor once the
    /// first coordinator is ready, prints each round and the open round's progress, returns
    /// at `finished` or when it stops.
    private func follow(
        events: AsyncStream<String>, cluster: LocalCluster, logs: URL, security: [String], ports: ClusterPorts?,
        _ following: inout Following
    ) async throws -> FollowOutcome {
        var bound: CoordinatorEndpoints?
        func show(_ text: String) { write(following.console.line(text)) }
        let decoder = FedzJSON.decoder
        for await line in events {
            guard let event = try? decoder.decode(CoordinatorEvent.self, from: Data(line.utf8)) else { continue }
            switch event {
            case let .ready(publish, pull, control?):
                bound = (publish, pull, control)
                guard await !cluster.hasNodes else { continue }
                let coordinator = ["--coordinator-publish", publish, "--coordinator-pull", pull, "--coordinator-control", control]
                try await cluster.startMonitor(
                    monitorArguments(coordinator: coordinator, security: security) + metrics.arguments(port: ports?.monitor))
                try await cluster.startNodes((0..<nodes).map { index in
                    nodeArguments(coordinator: coordinator, security: security)(index)
                        + metrics.arguments(port: ports?.nodes[index])
                })
                show("fedz run: coordinator on \(publish) and \(pull); \(nodes) node processes, \(clients) clients, "
                    + "\(federation.model) on \(dataDescription); a drift monitor; logs in \(logs.path)")
                show("fedz run: move production while it runs with fedz models promote VERSION|rollback "
                    + (["--coordinator-publish", publish, "--coordinator-control", control] + security).joined(separator: " "))
                if let ports { show(telemetryLine(ports)) }
            case .ready:
                throw FedzError("the coordinator bound no control socket")
            case let .round(result):
                following.finishedAt[result.round] = Date().timeIntervalSince1970
                following.console.roundFinished(seconds: result.seconds)
                show(progressLine(result))
            case let .progress(round, answered, sampled, elapsed):
                following.console.progress(round: round, answered: answered, sampled: sampled, elapsed: elapsed).map(write)
            case let .abandoned(round, reason):
                show("round \(round) abandoned: \(reason); retrying")
            case let .finished(report):
                return .finished(report)
            case let .promoted(version, reason):
                show("version \(version) promoted to production: \(reason)")
            case let .retraining(alert, reason):
                show("drift alert \(alert): \(reason); retraining from production")
            case let .recovered(alert, version):
                show("drift alert \(alert) resolved: version \(version) recovered the field accuracy")
            case let .refused(publicKey):
                show("refused a node with unknown key \(publicKey)")
            }
        }
        return .stopped(bound)
    }

    private func monitorArguments(coordinator: [String], security: [String]) -> [String] {
        ["monitor"] + coordinator + ["--alerts", "tcp://127.0.0.1:*",
         "--state-dir", stateDir, "--parent-pid", "\(getpid())"]
            + logging.arguments + federation.heartbeat.arguments + security
    }

    /// Writes one line to standard output.
    private func show(_ line: String) { write(line + "\n") }

    /// Writes to standard output at once, also into a pipe, so that people and scripts
    /// follow the run live.
    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func progressLine(_ result: RoundResult) -> String {
        let federated = result.federated.map {
            "federated accuracy \(percent($0.accuracy)) (clients \(percent($0.minimum))–\(percent($0.maximum)), median \(percent($0.median)))"
        }
        let accuracy = result.centralTest == false ? federated ?? "no evaluation" : "test accuracy \(percent(result.testAccuracy))"
            + (federated.map { "  \($0)" } ?? "")
        // A language model's test loss is its mean cross-entropy per token: exp of it is its perplexity.
        let perplexity = isLanguageModel ? String(format: "  perplexity %.2f", Foundation.exp(result.testLoss)) : ""
        return String(
            format: "round %3d/%d  participants %d/%d  train loss %.4f  %@  %.2f s",
            result.round, federation.rounds, result.participants, result.sampled, result.trainLoss,
            accuracy + perplexity, result.seconds)
            + (result.epsilon.map { String(format: "  ε %.3f (δ %g)", $0, federation.privacy.privacy?.delta ?? 0) } ?? "")
            + (result.epsilonKnownSample.map { String(format: ", %.3f to a node", $0) } ?? "")
            + (result.quantizationError.map { String(format: "  quantization error %.4f", $0) } ?? "")
            + (result.topographicError.map { String(format: "  topographic error %.4f", $0) } ?? "")
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

    /// Whether the model predicts the next token (reported with its perplexity).
    private var isLanguageModel: Bool {
        if case .text = try? ModelZoo.samples(for: federation.architecture) { return true }
        return false
    }

    /// What the nodes train on: the built-in data set, or the folder of their own data.
    private var dataDescription: String {
        data.map { "their own data in \($0) (test set \(federation.testData ?? ""))" } ?? federation.dataset
    }

    /// Node `index`'s own data under `--data`, as an absolute path for the child process.
    private func nodeData(_ data: String, _ index: Int) -> String {
        URL(fileURLWithPath: data).appendingPathComponent("node-\(index)").path
    }

    private func nodeArguments(coordinator: [String], security: [String]) -> (Int) -> [String] {
        let common = coordinator + [
            "--model", federation.modelForChildren,
            "--dataset", federation.dataset, "--clients", "\(clients)", "--node-count", "\(nodes)",
            "--partition", partition, "--seed", "\(federation.seed)",
            "--parent-pid", "\(getpid())",
        ] + logging.arguments + federation.heartbeat.arguments + (federation.dataDir.map { ["--data-dir", $0] } ?? [])
            + (faultPlan.map { ["--fault-plan", $0] } ?? []) + (drift.map { ["--drift", $0] } ?? []) + security
            + (data == nil ? [] : ["--label-column", federation.labelColumn, "--holdout", "\(holdout)"])
        let (plan, corrupted, data) = ((try? byzantinePlan) ?? nil, Set(byzantineNodes), data)
        return { index in
            ["--id", "node-\(index)", "--node-index", "\(index)"] + common
                + (data.map { ["--data", nodeData($0, index)] } ?? [])
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
            "model": federation.model, "dataset": dataDescription, "nodes": "\(nodes)", "clients": "\(clients)",
            "rounds": "\(federation.rounds)", "fraction": "\(federation.fraction)",
            "sampling": "\(federation.sampling)",
            "local_epochs": "\(federation.localEpochs)", "batch_size": "\(federation.batchSize)",
            "lr": "\(federation.lr)", "partition": partition, "strategy": federation.strategySpec.name,
            "min_clients": "\(federation.minClients)", "seed": "\(federation.seed)", "drift": drift ?? "none",
            "strategy_parameters": federation.strategySpec.parameterSummary,
            "target_accuracy": federation.targetAccuracy.map { "\($0)" } ?? "none",
            "promotion": federation.promotion.rawValue,
            "byzantine": byzantine ?? "none",
            "byzantine_nodes": byzantineNodes.map { "node-\($0)" }.joined(separator: ","),
            "init": federation.initialWeights ?? "none",
        ].merging(federation.privacy.summary) { first, _ in first }
    }
}
