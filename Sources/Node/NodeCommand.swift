import Actors
import ArgumentParser
import CommandSupport
import Federation
import FedzProtocol
import Foundation
import Learning
import Logging
import Telemetry

/// `fedz-node`: a device worker process hosting one or more virtual clients.
@main
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fedz-node",
        abstract: "A fedz device worker: trains the global model on local data that never leaves this process.")

    @Option(help: "This node's id (unique in the federation).")
    var id: String

    @Option(help: "The coordinator's PUB endpoint.")
    var coordinatorPublish = "tcp://127.0.0.1:7001"

    @Option(help: "The coordinator's PULL endpoint.")
    var coordinatorPull = "tcp://127.0.0.1:7002"

    @Option(help: "The coordinator's control endpoint (its --control), for hellos, heartbeats and requests; default: the PULL endpoint.")
    var coordinatorControl: String?

    @Option(help: ArgumentHelp(stringLiteral: ModelArgument.help + " Default: the coordinator's, asked of it at start (a definition file's content comes with the answer)."))
    var model: String?

    @Option(help: "Data set: mnist or shakespeare (a share of the built-in set; default: the one the model trains on; ignored with --data).")
    var dataset: String?

    @Option(help: ArgumentHelp(stringLiteral: "This node's own data: \(DataFile.formats). It never leaves the node: --holdout of it is kept for evaluation, the rest shared among the node's clients by --partition."))
    var data: String?

    @Option(help: "The label column of a CSV file given to --data (or to the coordinator's --test-data).")
    var labelColumn = "label"

    @Option(help: "The share of --data held out for evaluation (field accuracy), never trained on: in [0, 1).")
    var holdout = 0.1

    @Option(help: "Directory holding the data set files (default: the project's data/ folder).")
    var dataDir: String?

    @Option(help: "Clients in the whole federation (K).")
    var clients = 100

    @Option(help: "This node's index among --node-count nodes: it hosts clients index, index+count, ….")
    var nodeIndex = 0

    @Option(help: "Number of node processes sharing the clients.")
    var nodeCount = 1

    @Option(help: "How the training set is split into clients: \(DataPlan.Partition.forms) (roles: shakespeare only).")
    var partition = "iid"

    @Option(help: "Act as a Byzantine node for experiments: scale:FACTOR, noise[:SIGMA] or flip-labels.")
    var byzantine: String?

    @Option(help: "Seed of the data split (must match across nodes).")
    var seed: UInt64 = 1

    @OptionGroup var heartbeat: HeartbeatOptions

    @Option(help: "Exit when the process with this id is no longer the parent.")
    var parentPid: Int32?

    @Option(help: "Faults to inject into this node's messages, e.g. drop=0.1,duplicate=0.05,delay=0.2:150,reorder=0.1,corrupt=0.01,partition=5-8,seed=7.")
    var faultPlan: String?

    @Option(help: "Seconds between field reports (accuracy of the served model on fresh local data).")
    var fieldInterval = 0.5

    @Option(help: "Samples in each field report's batch.")
    var fieldBatch = 200

    @Option(help: "Inject drift, e.g. round=15,kind=rotate:60,fraction=0.5 (kinds: rotate:DEG, permute-labels, noise:SIGMA).")
    var drift: String?

    @OptionGroup var metrics: MetricsOptions

    @OptionGroup var security: SecurityOptions

    @OptionGroup var logging: LoggingOptions

    @OptionGroup var config: ConfigOptions

    func validate() throws {
        if let dataset, Dataset(rawValue: dataset) == nil {
            throw ValidationError("unknown data set '\(dataset)'; known: \(Dataset.names.joined(separator: ", "))")
        }
        if let model { _ = try ModelArgument.architecture(model) }
        guard WireBounds.isValidSender(id) else {
            throw ValidationError("--id must be 1–64 characters of A–Z a–z 0–9 . _ -, not '\(id)'")
        }
        guard clients > 0, nodeCount > 0, (0..<nodeCount).contains(nodeIndex) else {
            throw ValidationError("need --clients > 0 and 0 ≤ --node-index < --node-count")
        }
        _ = try DataPlan.Partition(partition)
        guard (0..<1).contains(holdout) else { throw ValidationError("--holdout must be in [0, 1)") }
        if let faultPlan { _ = try FaultPlan(parsing: faultPlan) }
        if let drift { _ = try DriftSpec(parsing: drift) }
        guard fieldInterval > 0, fieldBatch > 0 else { throw ValidationError("--field-interval and --field-batch must be positive") }
        _ = try byzantine.map { text throws(PlanError) in try ByzantineBehavior(text) }
    }

    func run() async throws {
        let logger = {
            var logger = logging.bootstrap(label: "fedz.node")
            logger[metadataKey: "fedz.node"] = "\(id)"
            return logger
        }()
        security.warnIfPlaintext(logger)

        let behavior = try byzantine.map { text throws(PlanError) in try ByzantineBehavior(text) }
        let driftSpec = try drift.map(DriftSpec.init(parsing:)).flatMap { $0.affects(node: nodeIndex, of: nodeCount) ? $0 : nil }
        var settings = NodeSettings(
            id: id, coordinatorPublish: coordinatorPublish, coordinatorPull: coordinatorPull,
            coordinatorControl: coordinatorControl ?? coordinatorPull, model: try model.map(ModelArgument.architecture) ?? "",
            heartbeatInterval: heartbeat.interval, heartbeatLiveness: heartbeat.heartbeatLiveness, parent: parentPid,
            curve: try security.store?.client(name: id), faultPlan: try faultPlan.map(FaultPlan.init(parsing:)) ?? FaultPlan(),
            fieldInterval: .seconds(fieldInterval), fieldBatch: fieldBatch,
            drift: driftSpec,
            driftReplacement: try driftSpec?.shift.replacement(from: DataDirectory.resolve(nil, dataset: "fashion-mnist")),
            byzantine: behavior)
        if model == nil {
            settings.model = try await ModelDiscovery.ask(settings: settings, logger: logger)
            logger.info("the federation trains \(settings.model)")
        }
        let store = try loadClients(architecture: settings.model).mapShared { behavior?.corrupt($0) ?? $0 }
        let worker = try await DeviceWorker.start(settings: settings, clients: store, logger: logger)
        logger.info("node started", metadata: [
            "fedz.clients": "\(store.clients.count)", "fedz.samples": "\(store.shared.count)",
            "fedz.held_out": "\(store.heldOut?.count ?? 0)", "fedz.data": "\(data ?? dataset ?? "the model's data set")",
            "fedz.byzantine": "\(byzantine ?? "no")",
        ])

        let recorder = MetricsRecorder()
        let telemetry = await TelemetryServer.serve(
            metrics, defaultPort: 9472, recorder: recorder, refresh: { await worker.record(into: recorder) }, logger: logger)

        _ = await ProcessServices.run(beside: telemetry.map { [$0] } ?? [], parent: parentPid, logger: logger) { reason in
            logger.info("stopping", metadata: ["reason": "\(reason)"])
        } _: {
            try await worker.run()
        }
        await worker.shutdown()
    }

    /// This node's clients over their samples: of its own `--data`, else of the built-in data set
    /// (only those samples are loaded).
    private func loadClients(architecture: String) throws -> ClientStore {
        let plan = DataPlan(clients: clients, partition: try DataPlan.Partition(partition), seed: seed)
        let hosted = plan.clients(ofNode: nodeIndex, count: nodeCount)
        if let data {
            let samples = try DataFile.load(path: data, labelColumn: labelColumn, for: ModelZoo.samples(for: architecture))
            return try LocalSplit.split(samples, clients: hosted, partition: plan.partition, holdout: holdout, seed: seed)
        }
        var indices: [[Int]] = []
        let dataset = try dataset.flatMap(Dataset.init(rawValue:)) ?? ModelZoo.dataset(for: architecture)
        let samples = try dataset.load(.train, from: DataDirectory.resolve(dataDir, dataset: dataset.rawValue)) {
            labels, groups in
            indices = try plan.clientIndices(labels: labels, groups: groups)
            return ClientStore.rows(of: hosted, in: indices)
        }
        return ClientStore(clients: hosted, indices: indices, loaded: samples)
    }
}
