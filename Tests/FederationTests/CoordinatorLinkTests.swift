import Testing

@testable import Federation

@Suite struct CoordinatorLinkTests {
    let start = ContinuousClock.now
    var generator = SystemRandomNumberGenerator()

    /// The ticks (one per interval) at which the link said hello, out of `ticks`.
    private mutating func helloTicks(_ link: inout CoordinatorLink, ticks: Int) -> [Int] {
        (0..<ticks).filter { link.onTick(now: start + .seconds($0), using: &generator) == .hello }
    }

    @Test mutating func saysHelloWithGrowingGapsUntilWelcomed() {
        var link = CoordinatorLink(interval: .seconds(1), maxBackoff: .seconds(8))
        let hellos = helloTicks(&link, ticks: 40)
        let gaps = zip(hellos.dropFirst(), hellos).map { $0 - $1 }
        #expect(hellos.first == 0)
        #expect(gaps.first! <= 2 && gaps.last! >= 4, "gaps grow: \(gaps)")
        #expect(gaps.allSatisfy { $0 <= 9 }, "capped: \(gaps)")
    }

    @Test mutating func heartbeatsAtTheNextTickAfterTheWelcomeEvenMidBackoff() {
        var link = CoordinatorLink(interval: .seconds(1), maxBackoff: .seconds(8))
        _ = helloTicks(&link, ticks: 20)
        link.onWelcome()
        #expect(link.onTick(now: start + .seconds(20), using: &generator) == .heartbeat)
    }

    @Test mutating func silenceSendsTheNodeBackToHelloAtOnce() {
        var link = CoordinatorLink(interval: .seconds(1), liveness: 3)
        #expect(link.onMessage(incarnation: 5, now: start) == .fresh)
        link.onWelcome()
        #expect(link.onTick(now: start + .seconds(2), using: &generator) == .heartbeat)
        #expect(link.onTick(now: start + .seconds(3.5), using: &generator) == .hello)
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
        #expect(link.onTick(now: start, using: &generator) == .hello)
    }

    @Test mutating func rejoinSaysHelloAtTheNextTick() {
        var link = CoordinatorLink(interval: .seconds(1), maxBackoff: .seconds(8))
        _ = helloTicks(&link, ticks: 30)
        link.onWelcome()
        link.onRejoin()
        #expect(link.onTick(now: start + .seconds(30), using: &generator) == .hello)
    }
}
