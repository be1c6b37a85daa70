import Federation
import FedzProtocol
import Foundation
import Learning
import ModelOps
import Testing

@testable import Orchestrator

/// ModelOps through the coordinator on an in-memory fleet and virtual time: nodes' field
/// reports promote candidates, a drift alert from the monitor restarts training from
/// production, and the retrained version's promotion resolves the alert once it recovers.
@Suite struct CoordinatorModelOpsTests {
    static let clients = CoordinatorRoundTests.clients
    static let delta = CoordinatorRoundTests.delta
    /// Each round's clients train for 10 s, in which every node sends about ten field reports:
    /// a candidate is judged within the round after the one that made it.
    static let trainingTime = Duration.seconds(10)
    /// The monitor alerts when production's field accuracy falls below this.
    static let alarm = 0.7

    /// The field accuracy of each version, given the latest round the coordinator announced.
    /// Version 1 (the initial model) scores 0.80 and version 2 (round 1's) 0.90, until the data
    /// drifts when round 3 opens and version 2 falls to 0.50. Versions 3 and 4 (rounds 2 and
    /// 3, trained on from version 2) never beat production, so when the drift comes the latest
    /// version is not production; version 5 on is the retrained model, scoring `retrained`.
    static func oracle(retrained: Double) -> SimulatedNode.FieldOracle {
        { version, round in
            switch version {
            case 1: 0.80
            case 2: round < 3 ? 0.90 : 0.50
            case 3, 4: 0.45
            default: retrained
            }
        }
    }

    /// A run of five rounds with the monitor watching; the registry is read once the run ended.
    struct Run {
        var outcome: Fleet.Outcome
        var fleet: Fleet
        var nodes: [SimulatedNode]
        var coordinator: Coordinator
        var monitor: SimulatedMonitor
        var registry: ModelRegistry
    }

    func runWithDrift(retrained: Double, promotion: Deployment.Policy = .field) async throws -> Run {
        let fleet = try Fleet()
        let nodes = await fleet.startNodes(
            Self.clients, trainingTime: Self.trainingTime, fieldOracle: Self.oracle(retrained: retrained), delta: Self.delta)
        let monitor = try SimulatedMonitor(fleet: fleet, threshold: Self.alarm)
        await monitor.start()
        var settings = fleet.settings(rounds: 5, expectedClients: 4)
        settings.promotion = promotion
        let coordinator = try await fleet.startCoordinator(settings)
        let outcome = await fleet.run(coordinator)
        await monitor.stop()
        await coordinator.shutdown()
        return Run(
            outcome: outcome, fleet: fleet, nodes: nodes, coordinator: coordinator, monitor: monitor,
            registry: try ModelRegistry.open(directory: fleet.stateDirectory))
    }

    /// The FedAvg step of round r over every client.
    static func step(_ round: Int) -> Float {
        CoordinatorRoundTests.fedAvgStep(round: round, clients: clients.flatMap { $0 })
    }

    @Test func aDriftAlertRetrainsFromProductionAndTheRecoveredVersionResolvesIt() async throws {
        let run = try await runWithDrift(retrained: 0.90)
        defer { run.fleet.removeState() }
        let (coordinator, registry) = (run.coordinator, run.registry)

        #expect(run.outcome.error == nil)
        #expect(run.outcome.history.map(\.modelVersion) == [2, 3, 4, 5, 6])
        // Version 2 won its paired field reports (three, of 100 samples each); version 5, the
        // retrained one, beat drifted production the same way.
        let recovered = "field accuracy 90.0 % vs production's 50.0 % on 300 samples"
        #expect(await coordinator.modelOps.promotions == [
            Promotion(version: 1, reason: "first version"),
            Promotion(version: 2, reason: "field accuracy 90.0 % vs production's 80.0 % on 300 samples"),
            Promotion(version: 5, reason: recovered),
        ])
        #expect(try registry.aliasHistory().filter { $0.alias == .production }.map(\.version) == [1, 2, 5])
        #expect(try registry.aliases() == [.production: 5, .candidate: 6])
        // Round 4, the first to open after the alert, trained production (version 2), not the
        // latest version (4); round 5 trained what round 4 made.
        for node in run.nodes { #expect(await node.trainedVersions == [1: 1, 2: 2, 3: 3, 4: 2, 5: 5]) }
        let lineage = try registry.versions().map { [$0.number, $0.draft.parent ?? 0, $0.draft.round] }
        #expect(lineage == [[1, 0, 0], [2, 1, 1], [3, 2, 2], [4, 3, 3], [5, 2, 4], [6, 5, 5]])
        let initial = try run.fleet.initialWeights()
        #expect(largestDifference(try registry.weights(of: 4), shifted(initial, by: Self.step(1) + Self.step(2) + Self.step(3))) < 1e-6)
        #expect(largestDifference(try registry.weights(of: 5), shifted(initial, by: Self.step(1) + Self.step(4))) < 1e-6)
        #expect(largestDifference(await coordinator.global, shifted(initial, by: Self.step(1) + Self.step(4) + Self.step(5))) < 1e-6)
        // The monitor's one alert, on version 2, resolved by version 5's promotion: 0.90 is at
        // least 98 % of version 2's field accuracy before the drift (the median of its reports, 0.90).
        let raised = await run.monitor.raised
        #expect(raised.count == 1)
        let alerts = try registry.alerts()
        #expect(alerts.map(\.id) == raised.map(\.id))
        #expect(alerts.map(\.version) == [2])
        #expect(alerts.map(\.state) == [.resolved])
        #expect(alerts.map(\.resolution) == ["version 5 recovered: \(recovered)"])
        #expect(await coordinator.modelOps.retraining == nil)
        #expect(await coordinator.rejected.isEmpty)
    }

    @Test func aRetrainedVersionShortOfThePreDriftLevelIsPromotedButLeavesTheAlertOpen() async throws {
        // 0.85 beats drifted production (0.50) but is under 98 % of its 0.90 before the drift.
        let run = try await runWithDrift(retrained: 0.85)
        defer { run.fleet.removeState() }
        let (coordinator, registry) = (run.coordinator, run.registry)

        #expect(run.outcome.error == nil)
        #expect(await coordinator.modelOps.promotions.map(\.version) == [1, 2, 5])
        #expect(await coordinator.modelOps.promotions.last?.reason == "field accuracy 85.0 % vs production's 50.0 % on 300 samples")
        for node in run.nodes { #expect(await node.trainedVersions == [1: 1, 2: 2, 3: 3, 4: 2, 5: 5]) }
        #expect(try registry.aliases() == [.production: 5, .candidate: 6])
        let alerts = try registry.alerts()
        #expect(alerts.map(\.id) == (await run.monitor.raised).map(\.id))
        #expect(alerts.map(\.state) == [.open])
        // Still retraining for that alert, already from the next round on: no second restart.
        #expect(await coordinator.modelOps.retraining == Retraining(alert: alerts.first?.id ?? -1, preDriftAccuracy: 0.90, started: true))
    }

    @Test func underManualPromotionFieldDataPromotesNothing() async throws {
        let run = try await runWithDrift(retrained: 0.90, promotion: .manual)
        defer { run.fleet.removeState() }

        #expect(run.outcome.error == nil)
        // Version 2 beat version 1 on field data as in the runs above, but waits for an admin;
        // version 1 (0.80) never falls below the alarm, so no alert and no retraining.
        #expect(await run.coordinator.modelOps.promotions == [Promotion(version: 1, reason: "first version")])
        #expect(try run.registry.aliases() == [.production: 1, .candidate: 6])
        #expect(await run.monitor.raised.isEmpty)
        for node in run.nodes { #expect(await node.trainedVersions == [1: 1, 2: 2, 3: 3, 4: 4, 5: 5]) }
    }
}
