import Federation
import FedzProtocol
import Foundation
import Learning
import Logging
import Testing

@testable import Node
@testable import Orchestrator

/// The real coordinator and real `DeviceWorker`s — the code `fedz coordinator` and `fedz-node`
/// run — in one process on the in-memory fleet and virtual time: nodes join, train their clients
/// on MNIST and the model learns.
@Suite struct CoordinatorFleetTests {
    /// Node `index` of `count`, hosting `perNode` clients of 300 MNIST test-set images each.
    static func worker(
        _ index: Int, of count: Int, perNode: Int, data: LabeledData, fleet: Fleet
    ) throws -> DeviceWorker {
        let id = "node-\(index)"
        let clients = (0..<perNode).map { index * perNode + $0 }
        let indices = (0..<(count * perNode)).map { client in Array((client * 300)..<((client + 1) * 300)) }
        let settings = NodeSettings(
            id: id, coordinatorPublish: "inproc", coordinatorPull: "inproc", coordinatorControl: "inproc", model: "perceptron",
            heartbeatInterval: Fleet.heartbeat, heartbeatLiveness: 3, parent: nil, curve: nil, faultPlan: FaultPlan(),
            fieldInterval: .seconds(3600), fieldBatch: 100, drift: nil, driftReplacement: nil, byzantine: nil)
        return try DeviceWorker.start(
            settings: settings, clients: ClientStore(clients: clients, indices: indices, of: data),
            logger: Logger(label: "fedz.node-tests") { _ in SwiftLogNoOpLogHandler() },
            channel: fleet.network.connect(id, topics: DeviceWorker.topics(of: id)), clock: fleet.clock)
    }

    @Test func realNodesJoinTrainAndTheModelLearns() async throws {
        let fleet = try Fleet(model: "perceptron")
        defer { fleet.removeState() }
        let data = try Dataset.mnist.load(.test, from: Fleet.dataDirectory)
        let workers = try (0..<2).map { try Self.worker($0, of: 2, perNode: 3, data: data, fleet: fleet) }
        let running = workers.map { worker in Task { try await worker.run() } }
        var settings = fleet.settings(rounds: 3, expectedClients: 6)
        settings.training = TrainingConfig(epochs: 1, batchSize: 10, learningRate: 0.1, seed: 1)
        let coordinator = try await fleet.startCoordinator(settings)
        var threads: [ComputeThread] = []
        for worker in workers { threads.append(await worker.compute) }
        let outcome = await fleet.run(coordinator, alsoWaitingFor: threads)
        await coordinator.shutdown()
        for task in running { task.cancel() }
        for worker in workers { await worker.shutdown() }

        #expect(outcome.error == nil)
        #expect(outcome.history.map(\.participants) == [6, 6, 6])
        let accuracies = outcome.history.map(\.testAccuracy)
        // The perceptron (the cheapest learner, so the target stays fast in a debug build) on
        // 1,800 images, one epoch a round: above 80 % after three rounds, rising.
        #expect(accuracies.last.map { $0 > 0.8 } == true, "\(accuracies)")
        #expect(accuracies == accuracies.sorted(), "\(accuracies)")
        #expect(await coordinator.membership.nodes.keys.sorted() == ["node-0", "node-1"])
        let rejected = await coordinator.rejected
        #expect(rejected.isEmpty, "\(rejected)")
    }
}
