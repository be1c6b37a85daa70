import Testing

@testable import Federation

@Suite struct RoundStateTests {
    let start = ContinuousClock.now

    private func state(minimum: Int = 2) -> RoundState<String> {
        RoundState(round: 4, assignments: ["a": [1, 2], "b": [3]], deadline: start + .seconds(10), minimumResults: minimum)
    }

    @Test func completesWhenEverySampledClientAnswered() {
        var round = state()
        #expect(round.onResult("r1", client: 1, node: "a", round: 4) == .accepted)
        #expect(round.status(now: start) == .collecting)
        #expect(round.onResult("r2", client: 2, node: "a", round: 4) == .accepted)
        #expect(round.onResult("r3", client: 3, node: "b", round: 4) == .accepted)
        #expect(round.status(now: start) == .complete)
        #expect(round.results.count == 3)
    }

    @Test func duplicatesStaleRoundsAndStrangersAreRefused() {
        var round = state()
        #expect(round.onResult("r1", client: 1, node: "a", round: 4) == .accepted)
        #expect(round.onResult("again", client: 1, node: "a", round: 4) == .duplicate)
        #expect(round.onResult("old", client: 2, node: "a", round: 3) == .wrongRound(3))
        #expect(round.onResult("x", client: 3, node: "a", round: 4) == .notAssigned)
        #expect(round.onResult("x", client: 99, node: "b", round: 4) == .notAssigned)
        #expect(round.results == [1: "r1"])
    }

    @Test func lostNodeLetsTheRoundCompleteWithTheOthers() {
        var round = state()
        _ = round.onResult("r1", client: 1, node: "a", round: 4)
        _ = round.onResult("r2", client: 2, node: "a", round: 4)
        round.onNodeLost("b")
        #expect(round.status(now: start) == .complete)
        #expect(round.onResult("late", client: 3, node: "b", round: 4) == .notAssigned)
    }

    @Test func deadlineClosesWithEnoughAndAbandonsWithTooFew() {
        var round = state()
        _ = round.onResult("r1", client: 1, node: "a", round: 4)
        #expect(round.status(now: start + .seconds(11)) == .abandoned("1 result(s) of 3 sampled, minimum 2"))
        _ = round.onResult("r2", client: 2, node: "a", round: 4)
        #expect(round.status(now: start + .seconds(11)) == .complete)
    }

    @Test func abandonsAsSoonAsTheMinimumIsOutOfReach() {
        var round = state(minimum: 3)
        _ = round.onFailure(client: 1, node: "a", round: 4)
        if case .abandoned = round.status(now: start) {} else { Issue.record("expected abandoned") }
    }

    @Test func anAbandonedRoundSaysWhyResultsAreMissing() {
        var round = state()
        _ = round.onFailure(client: 1, node: "a", round: 4)
        round.onNodeLost("b")
        #expect(round.status(now: start + .seconds(11))
            == .abandoned("0 result(s) of 3 sampled (1 failed to train, 1 lost with their node), minimum 2"))
    }
}
