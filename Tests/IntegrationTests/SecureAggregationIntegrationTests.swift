import Foundation
import Testing

/// A coordinator and node processes aggregating by SecAgg+ over TCP loopback.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SecureAggregationIntegrationTests {
    /// 9 of 30 clients per round, 3 on each node; all neighbours of each other, threshold 5.
    static func federation(epochs: Int = 1) -> [String] {
        ["--rounds", "3", "--fraction", "0.3", "--expect-clients", "30", "--min-clients", "3", "--local-epochs", "\(epochs)",
         "--batch-size", "10", "--lr", "0.05", "--seed", "3"]
    }

    @Test func secureRoundsTrainLikePlainFedAvgOnTheSameSeed() async throws {
        let plain = try await run(secure: false)
        let secure = try await run(secure: true)
        #expect(secure.accuracies[2] > secure.accuracies[0], "accuracy rises: \(secure.accuracies)")
        #expect(secure.accuracies[2] > 0.85, "accuracy after 3 rounds: \(secure.accuracies)")
        #expect(abs(secure.accuracies[2] - plain.accuracies[2]) <= 0.005, "secure \(secure.accuracies), plain \(plain.accuracies)")
        #expect(secure.rejected.isEmpty, "\(secure.rejected)")
        for stages in secure.stages {
            #expect(Set(stages.keys) == ["advertise_keys", "share_keys", "masked_input", "unmasking"], "\(stages)")
        }
    }

    @Test func aNodeKilledDuringTheMaskedInputStageDropsOutAndRoundsGoOn() async throws {
        let cluster = try ClusterHarness()
        defer { cluster.tearDown() }
        let heartbeat = ["--heartbeat-interval", "0.3"]
        // Five local epochs: node-1's clients are still training when it dies, after the key stages.
        try await cluster.startCoordinator(Self.federation(epochs: 5) + heartbeat + ["--secure-aggregation"])
        try cluster.startNodes(3, clients: 30, extra: heartbeat)

        let first = try await cluster.waitFor("round", silentAtMost: .seconds(180)).result
        #expect(first["participants"] as? Int == first["sampled"] as? Int)
        try await Task.sleep(for: .milliseconds(400))
        let victim = try #require(cluster.nodes.dropFirst().first)
        kill(victim.processIdentifier, SIGKILL)

        // Node-1's sampled clients drop out; with this seed the others reach the threshold of 5.
        let second = try await cluster.waitFor("round", silentAtMost: .seconds(180)).result
        #expect(second["round"] as? Int == 2)
        let participants = try #require(second["participants"] as? Int)
        #expect(participants < second["sampled"] as? Int ?? 0, "node-1's clients dropped out")
        #expect(participants >= 5)
        let third = try await cluster.waitFor("round", silentAtMost: .seconds(180)).result
        #expect(third["round"] as? Int == 3)
        #expect(third["participants"] as? Int == third["sampled"] as? Int, "round 3 samples only live nodes")
        let finished = try await cluster.waitFor("finished", silentAtMost: .seconds(30))
        #expect(finished.rejected.isEmpty, "\(finished.rejected)")
    }

    @Test func differentialPrivacyReportsTheEpsilonDPAccountingComputes() async throws {
        let cluster = try ClusterHarness()
        defer { cluster.tearDown() }
        try await cluster.startCoordinator(Self.federation() + ["--secure-aggregation", "--dp-noise", "1", "--dp-clip", "0.5"])
        try cluster.startNodes(3, clients: 30)
        // dp-accounting 0.6.0: 1…3 Poisson-sampled Gaussian steps, q = 0.3, σ = 1, δ = 1e-5 (bench/dp_accounting_reference.py).
        let expected = [3.290610970505228, 4.238324420106, 4.905483301289365]
        for round in 1...3 {
            let result = try await cluster.waitFor("round", silentAtMost: .seconds(180)).result
            let epsilon = try #require(result["epsilon"] as? Double)
            #expect(abs(epsilon - expected[round - 1]) <= 1e-9 * epsilon, "round \(round): ε \(epsilon)")
            // The sample is Poisson at q = 0.3: its size varies (Binomial(30, 0.3)); every sampled client answers.
            let sampled = try #require(result["sampled"] as? Int)
            #expect(result["participants"] as? Int == sampled)
            // Against a node, which sees the samples: rounds count at full cost, at most one per round.
            let known = try #require(result["epsilon_known_sample"] as? Double)
            #expect(known > epsilon, "round \(round): ε \(known) to a node, \(epsilon) to the public")
        }
        let finished = try await cluster.waitFor("finished", silentAtMost: .seconds(30))
        #expect(finished.rejected.isEmpty, "\(finished.rejected)")
    }

    private func run(secure: Bool) async throws -> (accuracies: [Double], stages: [[String: Double]], rejected: [String: Int]) {
        let cluster = try ClusterHarness()
        defer { cluster.tearDown() }
        try await cluster.startCoordinator(Self.federation() + (secure ? ["--secure-aggregation"] : []))
        try cluster.startNodes(3, clients: 30)
        var accuracies: [Double] = []
        var stages: [[String: Double]] = []
        for round in 1...3 {
            let result = try await cluster.waitFor("round", silentAtMost: .seconds(180)).result
            #expect(result["round"] as? Int == round)
            #expect(result["participants"] as? Int == 9, "every sampled client answers")
            accuracies.append(try #require(result["test_accuracy"] as? Double))
            if let times = result["secagg_stage_seconds"] as? [String: Double] { stages.append(times) }
        }
        #expect(stages.count == (secure ? 3 : 0))
        let finished = try await cluster.waitFor("finished", silentAtMost: .seconds(30))
        return (accuracies, stages, finished.rejected)
    }
}
