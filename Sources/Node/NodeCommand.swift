import Actors
import ArgumentParser
import CommandSupport
import Federation
import Foundation
import Learning
import Logging

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

    @Option(help: "Model architecture: \(ModelZoo.names.joined(separator: ", ")).")
    var model = "mlp"

    @Option(help: "Data set: mnist or shakespeare.")
    var dataset = "mnist"

    @Option(help: "Directory holding the data set files (default: the project's data/ folder).")
    var dataDir: String?

    @Option(help: "Clients in the whole federation (K).")
    var clients = 100

    @Option(help: "This node's index among --node-count nodes: it hosts clients index, index+count, ….")
    var nodeIndex = 0

    @Option(help: "Number of node processes sharing the clients.")
    var nodeCount = 1

    @Option(help: "How the training set is split into clients: iid, shards or roles (shakespeare).")
    var partition = "iid"

    @Option(help: "Seed of the data split (must match across nodes).")
    var seed: UInt64 = 1

    @Option(help: "Seconds between heartbeats.")
    var heartbeatInterval = 1.0

    @Option(help: "Exit when the process with this id is no longer the parent.")
    var parentPid: Int32?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard Dataset(rawValue: dataset) != nil else {
            throw ValidationError("unknown data set '\(dataset)'; known: \(Dataset.names.joined(separator: ", "))")
        }
        guard ModelZoo.names.contains(model) else {
            throw ValidationError("unknown model '\(model)'; known: \(ModelZoo.names.joined(separator: ", "))")
        }
        guard clients > 0, nodeCount > 0, (0..<nodeCount).contains(nodeIndex) else {
            throw ValidationError("need --clients > 0 and 0 ≤ --node-index < --node-count")
        }
        guard heartbeatInterval > 0 else { throw ValidationError("--heartbeat-interval must be positive") }
        _ = try DataPlan.Partition(partition)
    }

    func run() async throws {
        let logger = {
            var logger = logging.bootstrap(label: "fedz.node")
            logger[metadataKey: "fedz.node"] = "\(id)"
            return logger
        }()

        let plan = DataPlan(clients: clients, partition: try DataPlan.Partition(partition), seed: seed)
        let training = try Dataset(rawValue: dataset)!.load(.train, from: DataDirectory.resolve(dataDir, dataset: dataset))
        let indices = try plan.clientIndices(labels: training.sampleLabels, groups: training.groups)
        let local = plan.clients(ofNode: nodeIndex, count: nodeCount).map {
            LocalClient(id: $0, data: training.subset(indices[$0]))
        }
        let settings = NodeSettings(
            id: id, coordinatorPublish: coordinatorPublish, coordinatorPull: coordinatorPull, model: model,
            heartbeatInterval: .seconds(heartbeatInterval), parent: parentPid)
        let worker = try await DeviceWorker.start(settings: settings, clients: local, logger: logger)
        logger.info("node started", metadata: ["fedz.clients": "\(local.count)"])

        let work = Task { try await worker.run() }
        let watch = ProcessLifecycle.onTermination(parent: parentPid) { reason in
            logger.info("stopping", metadata: ["reason": "\(reason)"])
            work.cancel()
        }
        defer { withExtendedLifetime(watch) {} }
        _ = await work.result
        await worker.shutdown()
    }
}
