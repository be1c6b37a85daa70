import Foundation
import Testing

/// Nodes whose messages are dropped, duplicated, delayed and reordered in-process
/// (`--fault-plan`): every round still gets every sampled update, exactly once.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct FaultInjectionIntegrationTests {
    static let settings = ["--rounds", "3", "--fraction", "0.2", "--expect-clients", "20", "--round-timeout", "120",
                           "--heartbeat-interval", "0.3", "--heartbeat-liveness", "20"] + ClusterIntegrationTests.quick

    @Test func lossyNodesLoseNothingAndReachTheFaultFreeResult() async throws {
        let clean = try await run(faultPlan: nil)
        // Every message that passes is sent twice. At duplicate=0.5 the coordinator counted 1 to 7
        // duplicates in most runs, but no rejection at all in some runs on a loaded machine: not
        // yet explained (in the instrumented runs, all of which passed, the nodes duplicated 5 to 8
        // updates each).
        let faulty = try await run(faultPlan: "drop=0.25,duplicate=1.0,reorder=0.2,delay=0.3:80,seed=5")
        #expect(faulty.participants == faulty.sampled, "every sampled client answered: \(faulty)")
        #expect(faulty.accuracy == clean.accuracy, "the same updates were aggregated: \(faulty.accuracy) vs \(clean.accuracy)")
        #expect((faulty.rejected["duplicate"] ?? 0) > 0, "duplicates arrived and were dropped: \(faulty.rejected)")
    }

    private func run(faultPlan: String?) async throws -> (accuracy: Double, participants: [Int], sampled: [Int], rejected: [String: Int]) {
        let cluster = try ClusterHarness(nodes: 2)
        defer { cluster.tearDown() }
        try await cluster.startCoordinator(Self.settings)
        try cluster.startNodes(
            2, clients: 20,
            extra: ["--heartbeat-interval", "0.3", "--heartbeat-liveness", "20"] + (faultPlan.map { ["--fault-plan", $0] } ?? []))
        var participants: [Int] = []
        var sampled: [Int] = []
        for _ in 1...3 {
            let result = try await cluster.waitFor("round", silentAtMost: .seconds(180)).result
            participants.append(try #require(result["participants"] as? Int))
            sampled.append(try #require(result["sampled"] as? Int))
        }
        let finished = try await cluster.waitFor("finished", silentAtMost: .seconds(30))
        return (try #require(finished.finalTestAccuracy), participants, sampled, finished.rejected)
    }
}
