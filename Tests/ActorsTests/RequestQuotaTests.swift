import FedzProtocol
import Testing

/// Each authenticated peer has its own buckets: a flood is refused, the others are untouched,
/// and time refills what was spent.
@Suite struct RequestQuotaTests {
    let start = ContinuousClock.now

    @Test func aBurstIsAdmittedThenRefusedUntilTimeRefillsIt() {
        var quota = RequestQuota(messages: .init(perSecond: 10, burst: 5), modelRequests: .init(perSecond: 1, burst: 2))
        let burst = (0..<8).filter { _ in quota.admit("node-0", isModelRequest: false, now: start) }.count
        let tooSoon = quota.admit("node-0", isModelRequest: false, now: start + .milliseconds(50))
        let refilled = quota.admit("node-0", isModelRequest: false, now: start + .milliseconds(100))
        let otherPeer = quota.admit("node-1", isModelRequest: false, now: start)
        let later = start + .seconds(10)
        let afterRest = (0..<8).filter { _ in quota.admit("node-0", isModelRequest: false, now: later) }.count
        #expect(burst == 5)
        #expect(!tooSoon)
        #expect(refilled)
        #expect(otherPeer, "another peer has its own bucket")
        #expect(afterRest == 5, "refilled to the burst, not past it")
    }

    @Test func modelRequestsHaveTheirOwnSmallerBucket() {
        var quota = RequestQuota(messages: .init(perSecond: 100, burst: 100), modelRequests: .init(perSecond: 1, burst: 2))
        let requests = (0..<5).map { _ in quota.admit("node-0", isModelRequest: true, now: start) }
        let other = quota.admit("node-0", isModelRequest: false, now: start)
        let nextSecond = quota.admit("node-0", isModelRequest: true, now: start + .seconds(1))
        #expect(requests == [true, true, false, false, false])
        #expect(other, "other messages still pass")
        #expect(nextSecond)
    }

    @Test func theDefaultsRefuseAFloodOfModelRequests() {
        var quota = RequestQuota()
        let admitted = (0..<10_000).filter { index in
            quota.admit("node-0", isModelRequest: true, now: start + .milliseconds(index / 10))
        }.count
        // 20 at once, then 2 a second: one more in the 0.999 s the flood lasts.
        #expect(admitted == 21)
    }

    @Test func aFullTableMakesRoomFromIdlePeersOnly() {
        var quota = RequestQuota(messages: .init(perSecond: 1, burst: 2), modelRequests: .init(perSecond: 1, burst: 1))
        for peer in 0..<RequestQuota.maximumPeers { _ = quota.admit("p\(peer)", isModelRequest: false, now: start) }
        let whileBusy = quota.admit("newcomer", isModelRequest: false, now: start)
        let afterIdle = quota.admit("newcomer", isModelRequest: false, now: start + .seconds(2))
        #expect(!whileBusy, "every known peer is busy")
        #expect(afterIdle, "idle peers made room")
    }
}
