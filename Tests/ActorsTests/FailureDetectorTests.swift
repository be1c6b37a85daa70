import Testing

import FedzProtocol
@testable import Actors

@Suite struct FailureDetectorTests {
    let start = ContinuousClock.now

    @Test func newPeerJoinsAndSilentPeerDiesAfterTimeout() {
        var detector = FailureDetector(interval: .seconds(1), liveness: 3)
        #expect(detector.onHeartbeat(from: "a", incarnation: 1, now: start) == .fresh(.joined(id: "a", incarnation: 1)))
        #expect(detector.onHeartbeat(from: "a", incarnation: 1, now: start + .seconds(1)) == .fresh(nil))
        #expect(detector.onTick(now: start + .seconds(3)).isEmpty)
        #expect(detector.onTick(now: start + .seconds(4.5)) == [.died(id: "a", incarnation: 1)])
        #expect(detector.alive.isEmpty)
    }

    @Test func heartbeatsKeepAPeerAlive() {
        var detector = FailureDetector(interval: .seconds(1), liveness: 3)
        for second in 0..<10 {
            _ = detector.onHeartbeat(from: "a", incarnation: 1, now: start + .seconds(second))
            #expect(detector.onTick(now: start + .seconds(Double(second) + 0.5)).isEmpty)
        }
        #expect(detector.alive == ["a"])
    }

    @Test func theNextExpiryIsTheSilentestPeersDeadline() throws {
        var detector = FailureDetector(interval: .seconds(1), liveness: 3)
        #expect(detector.nextExpiry == nil)
        _ = detector.onHeartbeat(from: "a", incarnation: 1, now: start)
        _ = detector.onHeartbeat(from: "b", incarnation: 1, now: start + .seconds(2))
        #expect(detector.nextExpiry == start + .seconds(3))
        #expect(detector.onTick(now: start + .seconds(3)).isEmpty, "silent for exactly the timeout: still alive")
        // A shell that wakes at `nextDeath` finds the peer dead: it never wakes for nothing.
        let death = try #require(detector.nextDeath)
        #expect(death > start + .seconds(3))
        #expect(detector.onTick(now: death) == [.died(id: "a", incarnation: 1)])
        #expect(detector.nextExpiry == start + .seconds(5))
    }

    @Test func aSignOfLifeRefreshesOnlyAKnownPeerOfTheSameIncarnation() {
        var detector = FailureDetector(interval: .seconds(1), liveness: 3)
        _ = detector.onHeartbeat(from: "a", incarnation: 1, now: start)
        detector.onSignOfLife(from: "a", incarnation: 1, now: start + .seconds(2))
        detector.onSignOfLife(from: "a", incarnation: 1, now: start + .seconds(1))
        #expect(detector.lastSeen(of: "a") == start + .seconds(2))
        // Joins and restarts are the shell's to handle when it gets to the message.
        detector.onSignOfLife(from: "b", incarnation: 1, now: start)
        detector.onSignOfLife(from: "a", incarnation: 2, now: start + .seconds(4))
        #expect(detector.alive == ["a"])
        #expect(detector.incarnation(of: "a") == 1 && detector.lastSeen(of: "a") == start + .seconds(2))
    }

    @Test func aSignOfLifeHandledLateNeverMovesLastSeenBack() {
        var detector = FailureDetector(interval: .seconds(1), liveness: 3)
        _ = detector.onHeartbeat(from: "a", incarnation: 1, now: start + .seconds(5))
        // An update that arrived at 1 s, handled after the heartbeat that arrived at 5 s.
        #expect(detector.onHeartbeat(from: "a", incarnation: 1, now: start + .seconds(1)) == .fresh(nil))
        #expect(detector.lastSeen(of: "a") == start + .seconds(5))
        #expect(detector.onTick(now: start + .seconds(7.5)).isEmpty)
    }

    @Test func higherIncarnationReplacesLowerIsStale() {
        var detector = FailureDetector()
        _ = detector.onHeartbeat(from: "a", incarnation: 5, now: start)
        #expect(detector.onHeartbeat(from: "a", incarnation: 4, now: start) == .stale)
        #expect(detector.onHeartbeat(from: "a", incarnation: 9, now: start) == .fresh(.restarted(id: "a", old: 5, new: 9)))
        #expect(detector.incarnation(of: "a") == 9)
    }

    @Test func deadPeerCanRejoin() {
        var detector = FailureDetector(interval: .seconds(1), liveness: 1)
        _ = detector.onHeartbeat(from: "a", incarnation: 1, now: start)
        #expect(detector.onTick(now: start + .seconds(2)).count == 1)
        #expect(detector.onHeartbeat(from: "a", incarnation: 1, now: start + .seconds(3)) == .fresh(.joined(id: "a", incarnation: 1)))
    }
}
