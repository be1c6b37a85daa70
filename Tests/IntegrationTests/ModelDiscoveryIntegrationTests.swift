import Foundation
import Testing

/// A node started without `--model` asks the coordinator what the federation trains; a network
/// the coordinator loaded from a definition file comes with the answer, so the node needs
/// nothing installed but fedz.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ModelDiscoveryIntegrationTests {
    @Test func nodesWithoutAModelLearnTheCoordinatorsDefinitionAndTrainIt() async throws {
        let file = try ModelFileIntegrationTests.write(ModelFileIntegrationTests.definition)
        defer { try? FileManager.default.removeItem(at: file) }
        let cluster = try ClusterHarness(nodes: 2)
        defer { cluster.tearDown() }
        try await cluster.startCoordinator(
            ["--model", file.path, "--rounds", "2", "--fraction", "0.2", "--expect-clients", "20", "--min-clients", "2"]
                + ClusterIntegrationTests.quick)
        // No --model: the harness starts nodes with only their ids, endpoints, keys and clients.
        try cluster.startNodes(2, clients: 20)
        var accuracies: [Double] = []
        for round in 1...2 {
            let result = try await cluster.waitFor("round", silentAtMost: .seconds(180)).result
            #expect(result["round"] as? Int == round)
            #expect(result["participants"] as? Int == 4)
            accuracies.append(try #require(result["test_accuracy"] as? Double))
        }
        #expect(accuracies[1] > 0.8, "the 784-64-10 file network after 2 rounds: \(accuracies)")
        for node in ["node-0.log", "node-1.log"] {
            let log = cluster.log(node)
            #expect(log.contains("the federation trains user-net#"), "\(log)")
        }
    }
}
