import Foundation
import ModelOps
import Testing

/// The monitor on synthetic field-report streams shaped like a run's (4 nodes, one report a
/// second each on 200 samples, accuracy noise σ = 1.5 %), over 50 seeds each.
struct DriftMonitorTests {
    static let seeds: ClosedRange<UInt64> = 1...50
    /// A detector that never fires, to measure the other stream kind alone.
    static let silent = PageHinkley.Configuration(threshold: 1e9)

    /// 0.97 until second 60, then 0.40 on every node; each round (5 s) is a new production
    /// version, so the onset coincides with a version change.
    static let drop = FieldSimulation(seconds: 120, roundSeconds: 5) { _, t in t < 60 ? 0.97 : 0.40 }

    /// Measured (50 seeds): the first alert comes with the first report after the onset, on
    /// every seed (a node stream), and it is the only one.
    @Test func flagsTheDropWithinThreeFieldReports() {
        for seed in Self.seeds {
            var monitor = DriftMonitor()
            let steps = Self.drop.run(&monitor, seed: seed)
            #expect(FieldSimulation.delay(steps, onset: 60) == 1, "seed \(seed)")
            #expect(FieldSimulation.alerts(steps).count == 1, "seed \(seed)")
        }
    }

    /// Each stream kind alone (50 seeds): a node stream flags the drop on that node's first
    /// report after the onset; the global stream on the 5th report of all nodes' (the batch
    /// of the onset closes when a node reports again, the first all-drifted one an interval
    /// later), i.e. on its second batch.
    @Test func eachStreamKindAloneFlagsTheDrop() {
        for seed in Self.seeds {
            var nodesOnly = DriftMonitor(configuration: .init(global: Self.silent))
            let steps = Self.drop.run(&nodesOnly, seed: seed)
            #expect(FieldSimulation.delay(steps, onset: 60) == 1, "seed \(seed)")
            let node = steps.first { $0.raised != nil }?.node ?? ""
            #expect(FieldSimulation.delay(steps, onset: 60, node: node) == 1, "seed \(seed)")
            var globalOnly = DriftMonitor(configuration: .init(node: Self.silent))
            #expect(FieldSimulation.delay(Self.drop.run(&globalOnly, seed: seed), onset: 60) == 5, "seed \(seed)")
        }
    }

    /// 50 rounds of 5 s while training lifts accuracy from 0.90 to 0.97, each round's model
    /// going to production; and 250 s of one version at 0.97.
    @Test func staysQuietOnFiftyStableRounds() {
        let training = FieldSimulation(seconds: 250, roundSeconds: 5) { _, t in 0.90 + 0.07 * min(1, t / 150) }
        let steady = FieldSimulation(seconds: 250) { _, _ in 0.97 }
        for seed in Self.seeds {
            for simulation in [training, steady] {
                var monitor = DriftMonitor()
                let alerts = FieldSimulation.alerts(simulation.run(&monitor, seed: seed))
                #expect(alerts.isEmpty, "seed \(seed): \(alerts)")
            }
        }
    }
}

extension DriftMonitorTests {
    /// A production version that stays put: an alert stays open until the registry says
    /// otherwise, so a second drop raises nothing.
    @Test func oneDriftGivesOneAlertWhileItIsOpen() {
        let twoDrops = FieldSimulation(seconds: 400) { _, t in t < 60 ? 0.97 : t < 200 ? 0.40 : 0.10 }
        var monitor = DriftMonitor()
        let alerts = FieldSimulation.alerts(twoDrops.run(&monitor, seed: 7))
        #expect(alerts.count == 1)
        #expect(alerts.first?.version == 1)
        #expect(Array(monitor.openAlerts.values) == [1])
        #expect(monitor.suppressed >= 1, "the other streams saw the drift too")
    }

    /// After an alert, production moves to a retrained version at 0.95 that resolves it: the
    /// streams re-arm on the new level, and the next drop alerts against it.
    @Test func reArmsWhenProductionChanges() {
        let scenario = FieldSimulation(seconds: 300) { _, t in
            switch t {
            case ..<60: 0.97
            case ..<100: 0.40
            case ..<200: 0.95
            default: 0.45
            }
        }
        var retrained = scenario
        retrained.roundSeconds = 100  // version 1, then 2 from second 100, 3 from 200
        retrained.newVersionResolvesAlerts = true
        for seed in Self.seeds {
            var monitor = DriftMonitor()
            let alerts = FieldSimulation.alerts(retrained.run(&monitor, seed: seed))
            #expect(alerts.map(\.version) == [1, 3], "seed \(seed)")
            #expect(alerts.last.map { $0.alert.baseline > 0.9 } == true, "seed \(seed): measured against the new level")
        }
    }

    @Test func nodeStreamsCatchOneNodeAndTheGlobalStreamAModestDropEverywhere() {
        let oneNode = FieldSimulation(seconds: 120, roundSeconds: 5) { index, t in t >= 60 && index == 2 ? 0.40 : 0.97 }
        let everywhere = FieldSimulation(seconds: 120, roundSeconds: 5) { _, t in t < 60 ? 0.97 : 0.80 }
        for seed in Self.seeds {
            var monitor = DriftMonitor()
            #expect(FieldSimulation.alerts(oneNode.run(&monitor, seed: seed)).map(\.alert.stream) == ["node/node-2"])
            monitor = DriftMonitor()
            #expect(FieldSimulation.alerts(everywhere.run(&monitor, seed: seed)).map(\.alert.stream) == ["global"])
        }
    }

    /// Restarted with an open alert: it blocks new alerts, and retraining is asked for again
    /// once, on the first status, only if the coordinator holds no candidate.
    @Test func resumesFromTheRegistry() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let registry = try ModelRegistry.open(directory: directory.url)
        _ = try registry.register(draft(parent: nil, round: 1), weights: weights(seed: 1))
        _ = try registry.register(draft(parent: 1, round: 2), weights: weights(seed: 2))
        let seen = DriftAlert(detector: "page-hinkley", stream: "global", value: 0.4, baseline: 0.97, time: Date())
        let open = try registry.recordAlert(seen, version: 2)

        var withCandidate = DriftMonitor(openAlerts: try registry.openAlerts())
        #expect(withCandidate.onStatus(production: 2, candidate: 3) == [])

        var monitor = DriftMonitor(openAlerts: try registry.openAlerts())
        #expect(monitor.onStatus(production: nil, candidate: nil) == [])
        #expect(monitor.onStatus(production: 2, candidate: nil) == [open.id])
        #expect(monitor.onStatus(production: 2, candidate: nil) == [])
        var drift = FieldSimulation(seconds: 400) { _, t in (30..<400).contains(t) || t >= 430 ? 0.40 : 0.97 }
        drift.firstVersion = 2
        #expect(FieldSimulation.alerts(drift.run(&monitor, seed: 1)).isEmpty)

        try registry.resolveAlert(open.id, resolution: "resolved by hand")
        monitor.onOpenAlerts(try registry.openAlerts())
        drift.from = 400
        drift.seconds = 500
        #expect(FieldSimulation.alerts(drift.run(&monitor, seed: 2)).count == 1)
    }
}
