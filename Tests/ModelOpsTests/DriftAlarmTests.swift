import Foundation
import ModelOps
import Testing

/// A detector that replays scripted signals, with a baseline that counts observations.
private struct ScriptedDetector: DriftDetector {
    static let name = "scripted"
    var script: [DriftSignal]
    var baseline = 0.0

    mutating func observe(_ value: Double) -> DriftSignal {
        baseline += 1
        return script.isEmpty ? .stable : script.removeFirst()
    }
}

struct DriftAlarmTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    private func run(_ alarm: inout DriftAlarm, _ signals: Int, secondsApart: Double = 1, from offset: Double = 0)
        -> [DriftAlarm.Observation]
    {
        (0..<signals).map { alarm.observe(0.5, now: start.addingTimeInterval(offset + Double($0) * secondsApart)) }
    }

    @Test func oneDriftGivesOneAlertNotAStorm() {
        let script: [DriftSignal] = [.stable, .drift, .drift, .warning, .drift, .drift]
        var alarm = DriftAlarm(stream: "global", detector: ScriptedDetector(script: script))
        let observations = run(&alarm, 6)
        #expect(observations.map(\.signal) == script)
        #expect(observations.compactMap(\.alert).count == 1)
        #expect(observations[1].alert == DriftAlert(
            detector: "scripted", stream: "global", value: 0.5, baseline: 1, time: start.addingTimeInterval(1)))
        #expect(alarm.isRaised)
        #expect(alarm.suppressed == 3)
    }

    @Test func reArmsOnlyAfterEnoughConsecutiveStableSignalsAndTheCooldown() {
        let policy = DriftAlarm.Policy(rearmAfter: 3, cooldown: 100)
        let script: [DriftSignal] = [.drift, .stable, .stable, .warning, .stable, .stable, .stable, .drift]
        var alarm = DriftAlarm(stream: "node/1", detector: ScriptedDetector(script: script), policy: policy)
        let early = run(&alarm, script.count)
        #expect(early.compactMap(\.alert).count == 1)
        #expect(!alarm.isRaised)
        #expect(alarm.suppressed == 1, "the second drift came within the cooldown")

        var later = DriftAlarm(stream: "node/1", detector: ScriptedDetector(script: script), policy: policy)
        let spaced = run(&later, script.count, secondsApart: 20)
        #expect(spaced.compactMap(\.alert).map(\.time) == [start, start.addingTimeInterval(140)])
    }

    @Test func warningsKeepTheAlarmRaised() {
        let script = [DriftSignal.drift] + Array(repeating: .warning, count: 50) + [.drift]
        var alarm = DriftAlarm(
            stream: "global", detector: ScriptedDetector(script: script), policy: .init(rearmAfter: 3, cooldown: 0))
        #expect(run(&alarm, script.count).compactMap(\.alert).count == 1)
        #expect(alarm.isRaised)
    }

    @Test func rearmLetsTheNextDriftAlertAfterTheCooldown() {
        var alarm = DriftAlarm(
            stream: "global", detector: ScriptedDetector(script: [.drift, .drift, .drift]),
            policy: .init(rearmAfter: 1_000, cooldown: 10))
        #expect(alarm.observe(0.5, now: start).alert != nil)
        alarm.rearm()
        #expect(alarm.observe(0.5, now: start.addingTimeInterval(5)).alert == nil)
        #expect(alarm.observe(0.5, now: start.addingTimeInterval(10)).alert != nil)
    }

    @Test func aRealDriftThroughPageHinkleyRaisesExactlyOneAlert() {
        let stream = SyntheticStream.gaussian(
            name: "drop", seed: 11, count: 6_000, sigma: 0.05, before: 0.9, after: 0.6, changePoint: 2_000)
        var alarm = DriftAlarm(stream: "global", detector: PageHinkley(), policy: .init(rearmAfter: 30, cooldown: 0))
        let alerts = stream.values.enumerated().compactMap { index, value in
            alarm.observe(value, now: start.addingTimeInterval(Double(index))).alert
        }
        #expect(alerts.count == 1)
        #expect(alerts.first.map { abs($0.baseline - 0.9) < 0.01 } == true)
    }
}
