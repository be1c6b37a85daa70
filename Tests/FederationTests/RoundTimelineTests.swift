import Testing

@testable import Federation

@Suite struct RoundTimelineTests {
    let opened = ContinuousClock.now

    @Test func phasesFollowTheEventsAndSumToTheRoundTime() {
        var timeline = RoundTimeline(opened: opened)
        timeline.onBroadcast(now: opened + .milliseconds(100))
        timeline.onBroadcast(now: opened + .milliseconds(600))  // a re-broadcast does not move the phase
        timeline.onResult(now: opened + .milliseconds(1_100))
        timeline.onHandled(.milliseconds(3))
        timeline.onResult(now: opened + .milliseconds(2_100))
        timeline.onHandled(.milliseconds(5))
        timeline.onAggregated(now: opened + .milliseconds(2_300))
        let phases = timeline.phases(closed: opened + .milliseconds(2_400))
        #expect(abs(phases.broadcast - 0.1) < 1e-9)
        #expect(abs(phases.training - 1.0) < 1e-9)
        #expect(abs(phases.collection - 1.0) < 1e-9)
        #expect(abs(phases.aggregation - 0.2) < 1e-9)
        #expect(abs(phases.recording - 0.1) < 1e-9)
        #expect(abs(phases.handling - 0.008) < 1e-9)
        #expect(phases.evaluation == 0, "measured later, while the next round trains")
        #expect(abs(phases.total - 2.4) < 1e-9)
        #expect(abs(phases.coordinatorSeconds - 0.4) < 1e-9)
        #expect(abs(phases.coordinatorWorkSeconds - 0.408) < 1e-9)
    }

    @Test func phasesThatNeverBeganAreEmptyAndTheSumStillHolds() {
        var timeline = RoundTimeline(opened: opened)
        timeline.onBroadcast(now: opened + .milliseconds(50))
        let phases = timeline.phases(closed: opened + .milliseconds(900))
        #expect(abs(phases.broadcast - 0.05) < 1e-9)
        #expect(abs(phases.training - 0.85) < 1e-9)
        #expect(phases.collection == 0 && phases.aggregation == 0 && phases.recording == 0 && phases.handling == 0)
        #expect(abs(phases.total - 0.9) < 1e-9)
    }

    @Test func everyPhaseIsNamedOnceInOrderForMetricsAndTheDashboard() {
        let phases = RoundPhaseSeconds(
            broadcast: 1, training: 2, collection: 3, aggregation: 4, recording: 5, handling: 6, evaluation: 7)
        #expect(phases.named.map(\.phase) == [
            "broadcast", "training", "collection", "aggregation", "recording", "handling", "evaluation",
        ])
        #expect(phases.named.map(\.seconds) == [1, 2, 3, 4, 5, 6, 7])
    }
}
