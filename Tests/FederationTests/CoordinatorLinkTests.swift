import Testing

@testable import Federation

@Suite struct CoordinatorLinkTests {
    let start = ContinuousClock.now
    var generator = SystemRandomNumberGenerator()

    @Test mutating func saysHelloWithGrowingBackoffUntilWelcomed() {
        var link = CoordinatorLink(interval: .seconds(1), maxBackoff: .seconds(8))
        var waits: [Duration] = []
        for _ in 0..<5 {
            let (action, wait) = link.onTick(now: start, using: &generator)
            #expect(action == .hello)
            waits.append(wait)
        }
        #expect(waits[4] >= .seconds(4) && waits[4] <= .seconds(8), "\(waits)")
        link.onWelcome()
        #expect(link.onTick(now: start, using: &generator) == (.heartbeat, .seconds(1)))
    }

    @Test mutating func silenceSendsTheNodeBackToHello() {
        var link = CoordinatorLink(interval: .seconds(1), liveness: 3)
        #expect(link.onMessage(incarnation: 5, now: start) == .fresh)
        link.onWelcome()
        #expect(link.onTick(now: start + .seconds(2), using: &generator).action == .heartbeat)
        #expect(link.onTick(now: start + .seconds(3.5), using: &generator).action == .hello)
        #expect(!link.welcomed)
    }

    @Test mutating func restartedCoordinatorNeedsANewHelloAndOldOnesAreStale() {
        var link = CoordinatorLink(interval: .seconds(1))
        _ = link.onMessage(incarnation: 5, now: start)
        link.onWelcome()
        #expect(link.onMessage(incarnation: 4, now: start) == .stale)
        #expect(link.welcomed)
        #expect(link.onMessage(incarnation: 9, now: start) == .restarted)
        #expect(!link.welcomed)
        #expect(link.coordinatorIncarnation == 9)
    }

    @Test mutating func welcomeResetsTheBackoff() {
        var link = CoordinatorLink(interval: .seconds(1), maxBackoff: .seconds(8))
        for _ in 0..<6 { _ = link.onTick(now: start, using: &generator) }
        link.onWelcome()
        link.onRejoin()
        #expect(link.onTick(now: start, using: &generator).wait <= .seconds(1))
    }
}
