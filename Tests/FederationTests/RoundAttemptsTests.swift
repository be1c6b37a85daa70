import Federation
import Testing

/// The run's rounds and attempts: closed rounds move on, abandoned ones are retried until the
/// limit, and a close resets the count.
@Suite struct RoundAttemptsTests {
    @Test func closedRoundsMoveOnUntilTheLast() {
        var attempts = RoundAttempts(first: 3, last: 4, limit: 3)
        #expect(attempts.next == .open(round: 3, retry: false))
        #expect(attempts.onClosed() == .open(round: 4, retry: false))
        #expect(attempts.onClosed() == .finished)
        #expect(attempts.onClosed() == .finished, "nothing after the end")
        #expect(RoundAttempts(first: 5, last: 4, limit: 3).next == .finished, "a resumed run that had finished")
    }

    @Test func anAbandonedRoundIsRetriedUntilTheLimitAndACloseResetsTheCount() {
        var attempts = RoundAttempts(first: 1, last: 5, limit: 3)
        #expect(attempts.onAbandoned(reason: "a") == .open(round: 1, retry: true))
        #expect(attempts.onAbandoned(reason: "b") == .open(round: 1, retry: true))
        #expect(attempts.onClosed() == .open(round: 2, retry: false))
        #expect(attempts.abandoned == 0)
        #expect(attempts.onAbandoned(reason: "c") == .open(round: 2, retry: true))
        #expect(attempts.onAbandoned(reason: "d") == .open(round: 2, retry: true))
        #expect(attempts.onAbandoned(reason: "only 2 client(s) can still answer") == .gaveUp(
            "round 2 abandoned 3 times (last: only 2 client(s) can still answer)"))
        #expect(attempts.onClosed() == .gaveUp("round 2 abandoned 3 times (last: only 2 client(s) can still answer)"))
    }
}
