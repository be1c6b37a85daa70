import Foundation
import ModelOps

/// Field reports shaped like a run's: `nodes` nodes each report once a second (node i at
/// i/nodes past the second) on `samples` fresh samples, with accuracy drawn around `level`
/// with Gaussian noise `noise` and rounded to whole samples, from second `from` to `seconds`.
/// The coordinator's production version is `firstVersion`, or moves up every `roundSeconds`
/// (each round's model goes to production).
struct FieldSimulation {
    /// One report fed to the monitor, and what it raised.
    struct Step {
        var second: Double
        var node: String
        var raised: DriftMonitor.Raised?
    }

    var nodes = 4
    var from = 0
    var seconds: Int
    var samples = 200
    var noise = 0.015
    var roundSeconds: Int?
    var firstVersion = 1
    /// Whether a new production version resolves the open alerts, as the coordinator does
    /// when it promotes a retrained version that has recovered.
    var newVersionResolvesAlerts = false
    /// Mean accuracy of node `index` at second `t`.
    var level: @Sendable (_ index: Int, _ t: Double) -> Double

    /// The version in production at `t`.
    func version(at t: Double) -> Int { firstVersion + (roundSeconds.map { Int(t) / $0 } ?? 0) }

    /// Feeds every report to `monitor`, recording each raised alert as open.
    func run(_ monitor: inout DriftMonitor, seed: UInt64) -> [Step] {
        let noises = (0..<nodes).map { index in
            SyntheticStream.gaussian(
                name: "noise", seed: seed &* 64 &+ UInt64(index), count: seconds, sigma: noise, before: 0, after: 0,
                changePoint: nil
            ).values
        }
        var steps: [Step] = []
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        for second in from..<seconds {
            for index in 0..<nodes {
                let t = Double(second) + Double(index) / Double(nodes)
                let version = version(at: t)
                if newVersionResolvesAlerts, version != monitor.production, monitor.production != nil {
                    monitor.onOpenAlerts([])
                }
                _ = monitor.onStatus(production: version, candidate: nil)
                let drawn = level(index, t) + noises[index][second]
                let accuracy = (min(1, max(0, drawn)) * Double(samples)).rounded() / Double(samples)
                let node = "node-\(index)"
                let report = FieldReport(
                    version: version, node: node, accuracy: accuracy, samples: samples, time: start + t)
                let raised = monitor.onReport(report, now: start + t)
                if raised != nil { monitor.onRecorded(id: steps.count) }
                steps.append(Step(second: t, node: node, raised: raised))
            }
        }
        return steps
    }

    /// The alerts raised, in order.
    static func alerts(_ steps: [Step]) -> [DriftMonitor.Raised] { steps.compactMap(\.raised) }

    /// Reports from the onset at second `onset` up to and including the first alert's
    /// (1: the first report after the onset raised it), counting every node's reports; nil
    /// without an alert after the onset.
    static func delay(_ steps: [Step], onset: Double) -> Int? {
        let after = steps.filter { $0.second >= onset }
        return after.firstIndex { $0.raised != nil }.map { $0 + 1 }
    }

    /// The same delay counted in one node's reports.
    static func delay(_ steps: [Step], onset: Double, node: String) -> Int? {
        let after = steps.filter { $0.second >= onset }
        guard let alarm = after.firstIndex(where: { $0.raised != nil }) else { return nil }
        return after[...alarm].filter { $0.node == node }.count
    }
}
