import Federation
import Testing

/// `RoundDriver` driven with explicit instants, as the shell would drive it.
@Suite struct RoundDriverTests {
    let opened = ContinuousClock.now
    let cadence = RoundDriver.Cadence(rebroadcast: .milliseconds(500), progress: .seconds(1))

    @Test func theRoundStartGoesOutAtOnceAndThenEveryPeriod() {
        var driver = RoundDriver(opened: opened, deadline: opened + .seconds(60), cadence: cadence)
        #expect(driver.onWake(now: opened) == [.broadcast])
        #expect(driver.nextWake() == opened + .milliseconds(500))
        // A message wakes the shell in between: nothing is due.
        #expect(driver.onWake(now: opened + .milliseconds(200)).isEmpty)
        #expect(driver.onWake(now: opened + .milliseconds(500)) == [.broadcast])
        #expect(driver.onWake(now: opened + .seconds(1)) == [.broadcast, .progress(elapsed: .seconds(1))])
        #expect(driver.nextWake() == opened + .milliseconds(1_500))
    }

    @Test func aLateWakeUpGivesEachDirectiveOnceAndCountsThePeriodFromThen() {
        var driver = RoundDriver(opened: opened, deadline: opened + .seconds(60), cadence: cadence)
        _ = driver.onWake(now: opened)
        // The shell was held up for 3.2 s: one broadcast and one progress report, not six.
        #expect(driver.onWake(now: opened + .milliseconds(3_200)) == [.broadcast, .progress(elapsed: .milliseconds(3_200))])
        #expect(driver.nextBroadcast == opened + .milliseconds(3_700))
        #expect(driver.nextProgress == opened + .milliseconds(4_200))
    }

    @Test func theNextWakeIsTheEarliestDeadline() {
        var driver = RoundDriver(opened: opened, deadline: opened + .milliseconds(300), cadence: cadence)
        _ = driver.onWake(now: opened)
        #expect(driver.nextWake() == opened + .milliseconds(300), "the round's deadline comes before the rebroadcast")
        #expect(driver.nextWake(other: opened + .milliseconds(100)) == opened + .milliseconds(100))
        #expect(driver.nextWake(other: opened + .seconds(9)) == opened + .milliseconds(300))
    }

    @Test func theDefaultCadenceIsHalfASecond() {
        let driver = RoundDriver(opened: opened, deadline: opened + .seconds(60))
        #expect(driver.cadence == RoundDriver.Cadence(rebroadcast: .milliseconds(500), progress: .milliseconds(500)))
        #expect(driver.nextWake() == opened, "the first broadcast is due at once")
    }
}
