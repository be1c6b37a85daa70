import Federation
import Foundation
import Testing

@testable import ModelOps
@testable import Orchestrator
@testable import Telemetry

/// The dashboard's JSON from a coordinator snapshot, round phases and the cluster's ports: pure.
struct DashboardStateTests {
    func version(_ number: Int, round: Int, accuracy: Double?) -> ModelVersion {
        ModelVersion(
            number: number,
            draft: VersionDraft(
                parent: number > 1 ? number - 1 : nil, round: round, architecture: "mlp", strategy: "fedavg", config: "{}",
                metrics: TrainingMetrics(testAccuracy: accuracy)),
            hash: "h\(number)", registeredAt: Date(timeIntervalSince1970: 0))
    }

    @Test func snapshotBecomesSnakeCaseJSONWithRoundsPhasesNodesAlertsAndAliases() throws {
        let phases = RoundPhaseSeconds(
            broadcast: 0.25, training: 1, collection: 0.25, aggregation: 0.25, recording: 0.125, handling: 0.0625,
            evaluation: 0.5)
        let alert = AlertRecord(
            id: 7, alert: DriftAlert(detector: "page-hinkley", stream: "global", value: 0.3, baseline: 0.9,
                                     time: Date(timeIntervalSince1970: 100)),
            version: 2, state: .open, resolvedAt: nil, resolution: nil)
        let snapshot = CoordinatorSnapshot(
            plannedRounds: 5,
            history: [
                RoundResult(round: 1, modelVersion: 2, participants: 10, sampled: 10, trainLoss: 0.6, testLoss: 0.4,
                            testAccuracy: 0.91, seconds: 1.2),
                RoundResult(round: 2, modelVersion: 3, participants: 9, sampled: 10, trainLoss: 0.3, testLoss: 0.2,
                            testAccuracy: 0.94, seconds: 1.875, phases: phases),
            ],
            current: DashboardState.Progress(round: 3, answered: 4, sampled: 10, elapsed: 0.5),
            nodes: [DashboardState.Node(id: "node-0", clients: 10, lastHeartbeat: 0.25)],
            alerts: [alert],
            versions: [version(1, round: 0, accuracy: nil), version(2, round: 1, accuracy: 0.91), version(3, round: 2, accuracy: 0.94)],
            aliases: [.production: 2, .candidate: 3],
            traffic: Traffic(sockets: [], rejected: [:]))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(DashboardState(snapshot).json.utf8)) as? [String: Any])
        #expect(json["planned_rounds"] as? Int == 5)
        let rounds = try #require(json["rounds"] as? [[String: Any]])
        #expect(rounds.map { $0["round"] as? Int } == [1, 2])
        #expect(rounds.map { $0["test_accuracy"] as? Double } == [0.91, 0.94])
        #expect(rounds[0]["phases"] as? [String: Double] == [:], "no phases recorded for round 1")
        #expect(rounds[1]["phases"] as? [String: Double] == [
            "broadcast": 0.25, "training": 1, "collection": 0.25, "aggregation": 0.25, "recording": 0.125,
            "handling": 0.0625, "evaluation": 0.5,
        ])
        #expect((json["current"] as? [String: Any])?["answered"] as? Int == 4)
        #expect((json["nodes"] as? [[String: Any]])?.first?["last_heartbeat"] as? Double == 0.25)
        let alerts = try #require(json["alerts"] as? [[String: Any]])
        #expect(alerts.first?["state"] as? String == "open" && alerts.first?["stream"] as? String == "global")
        let versions = try #require(json["versions"] as? [[String: Any]])
        #expect(versions.map { $0["aliases"] as? [String] } == [[], ["production"], ["candidate"]])
        #expect(json["production"] as? Int == 2 && json["candidate"] as? Int == 3)
    }

    @Test func clusterPortsFromABaseOrFree() throws {
        let ports = try ClusterPorts(base: 9000, nodes: 3)
        #expect(ports.coordinator == 9000 && ports.monitor == 9001 && ports.nodes == [9002, 9003, 9004])
        let free = try ClusterPorts(base: 0, nodes: 4)
        let all = [free.coordinator, free.monitor] + free.nodes
        #expect(Set(all).count == 6 && all.allSatisfy { $0 > 0 })
        #expect(throws: FedzError.self) { try ClusterPorts(base: 65534, nodes: 2) }
    }
}
