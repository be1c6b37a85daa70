import Federation
import Foundation
import ModelOps
import Telemetry

/// What the dashboard shows, as the JSON `GET /api/state` returns: rounds so far, the open
/// round, live nodes, alerts and the registry's versions. Built from a coordinator snapshot
/// by a pure function; snake_case keys, times in seconds.
struct DashboardState: Codable, Sendable, Equatable {
    struct Round: Codable, Sendable, Equatable {
        var round: Int
        var modelVersion: Int
        var participants: Int
        var sampled: Int
        var trainLoss: Double
        var testLoss: Double
        var testAccuracy: Double
        /// The nodes' evaluation on their clients' held-out samples: sample-weighted, and the worst client's.
        var federatedAccuracy: Double?
        var federatedMinimum: Double?
        var seconds: Double
        /// Seconds per phase, by the names of `RoundPhaseSeconds.named`; empty if not measured.
        var phases: [String: Double]
    }

    /// The round being collected.
    struct Progress: Codable, Sendable, Equatable {
        var round: Int
        var answered: Int
        var sampled: Int
        var elapsed: Double
    }

    struct Node: Codable, Sendable, Equatable {
        var id: String
        var clients: Int
        /// Seconds since its last message (nil: not yet heard by the failure detector).
        var lastHeartbeat: Double?
    }

    struct Version: Codable, Sendable, Equatable {
        var number: Int
        var parent: Int?
        var round: Int
        var testAccuracy: Double?
        var aliases: [String]
    }

    var plannedRounds: Int
    var rounds: [Round]
    var current: Progress?
    var nodes: [Node]
    var alerts: [RunReport.Alert]
    var versions: [Version]
    var production: Int?
    var candidate: Int?

    /// The dashboard's view of `snapshot`.
    init(_ snapshot: CoordinatorSnapshot) {
        plannedRounds = snapshot.plannedRounds
        rounds = snapshot.history.map { result in
            Round(
                round: result.round, modelVersion: result.modelVersion, participants: result.participants,
                sampled: result.sampled, trainLoss: result.trainLoss, testLoss: result.testLoss,
                testAccuracy: result.testAccuracy, federatedAccuracy: result.federated?.accuracy,
                federatedMinimum: result.federated?.minimum, seconds: result.seconds,
                phases: Dictionary(uniqueKeysWithValues: (result.phases?.named ?? []).map { ($0.phase, $0.seconds) }))
        }
        current = snapshot.current
        nodes = snapshot.nodes
        alerts = snapshot.alerts.map(RunReport.Alert.init)
        let aliases = Dictionary(grouping: snapshot.aliases.map { ($0.value, $0.key.rawValue) }, by: \.0)
        versions = snapshot.versions.map { version in
            Version(
                number: version.number, parent: version.parent, round: version.round,
                testAccuracy: version.metrics.testAccuracy, aliases: (aliases[version.number] ?? []).map(\.1).sorted())
        }
        production = snapshot.aliases[.production]
        candidate = snapshot.aliases[.candidate]
    }

    /// The state as JSON.
    var json: String {
        let encoder = FedzJSON.encoder([])
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// The coordinator's state at one moment, for metrics and the dashboard.
struct CoordinatorSnapshot: Sendable {
    var plannedRounds: Int
    var history: [RoundResult]
    var current: DashboardState.Progress?
    var nodes: [DashboardState.Node]
    var alerts: [AlertRecord]
    var versions: [ModelVersion]
    var aliases: [ModelAlias: Int]
    var traffic: Traffic
}
