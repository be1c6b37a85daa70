import Testing

import FedzProtocol
@testable import Actors

@Suite struct BackoffTests {
    @Test func delaysGrowExponentiallyWithinJitterAndStopAtTheCap() {
        var backoff = Backoff(base: .seconds(1), cap: .seconds(8))
        var generator = SystemRandomNumberGenerator()
        let steps: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)]
        for step in steps {
            let delay = backoff.next(using: &generator)
            #expect(delay >= step / 2 && delay <= step, "\(delay) within [\(step / 2), \(step)]")
        }
    }

    @Test func resetReturnsToTheBase() {
        var backoff = Backoff(base: .milliseconds(100), cap: .seconds(10))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 { _ = backoff.next(using: &generator) }
        backoff.reset()
        #expect(backoff.next(using: &generator) <= .milliseconds(100))
    }

    @Test func jitterSpreadsPeers() {
        var generator = SystemRandomNumberGenerator()
        let delays = (0..<20).map { _ in
            var backoff = Backoff(base: .seconds(1), cap: .seconds(8))
            _ = backoff.next(using: &generator)
            return backoff.next(using: &generator)
        }
        #expect(Set(delays).count > 10)
    }
}
