import FedzProtocol
import Testing

@testable import Federation

/// Joining, claiming clients, restarting, dying: `Membership` on explicit instants.
@Suite struct MembershipTests {
    let start = ContinuousClock.now

    func clients(_ ids: ClosedRange<Int>) -> [ClientInfo] { ids.map { ClientInfo(id: $0, samples: 10 * $0) } }

    @Test func aHelloMakesAMemberAndAClientBelongsToOneNode() throws {
        var membership = Membership(interval: .seconds(1), liveness: 3)
        #expect(membership.onMessage(from: "node-0", incarnation: 1, signOfLife: true, now: start) == .fresh)
        try membership.onHello(clients(0...4), from: "node-0")
        try membership.onHello(clients(5...9), from: "node-1")
        #expect(membership.isMember("node-0") && membership.registeredClients == 10)
        let refusal = #expect(throws: WireError.self) { try membership.onHello(clients(4...9), from: "node-1") }
        #expect(refusal?.reason == .unexpected && refusal?.detail == "node-1 claims client 4, which node-0 hosts")
        #expect(membership.nodes["node-1"] == clients(5...9), "a refused hello changes nothing")
        // A node's hello again replaces what it hosted: client 5 is free for node-0 after it.
        try membership.onHello(clients(6...9), from: "node-1")
        try membership.onHello(clients(0...5), from: "node-0")
        #expect(membership.registeredClients == 10)
        let directory = membership.clientDirectory()
        #expect(directory.nodes.map(\.node) == ["node-0", "node-1"])
        #expect(directory.nodes.map(\.clients) == [Array(0...5), Array(6...9)])
    }

    @Test func aSilentNodeLeavesWithItsClientsAndARestartedOneMustJoinAgain() throws {
        var membership = Membership(interval: .seconds(1), liveness: 3)
        for (node, ids) in [("node-0", 0...2), ("node-1", 3...5)] {
            _ = membership.onMessage(from: node, incarnation: 1, signOfLife: true, now: start)
            try membership.onHello(clients(ids), from: node)
        }
        _ = membership.clientDirectory()
        #expect(membership.nextCheck(now: start, unreadSince: nil) == start + .seconds(3) + .nanoseconds(1))
        // node-1 keeps heart-beating, stamped on arrival; node-0 falls silent.
        membership.onSignOfLife(from: "node-1", incarnation: 1, arrival: start + .seconds(2))
        #expect(membership.onTick(now: start + .seconds(3)).isEmpty, "silent for exactly the timeout: not yet")
        #expect(membership.onTick(now: start + .seconds(3) + .nanoseconds(1)) == ["node-0"])
        #expect(!membership.isMember("node-0") && membership.registeredClients == 3)
        #expect(membership.clientDirectory().entries.map(\.client) == [3, 4, 5], "rebuilt after the change")

        // A message that is no sign of life keeps nobody alive; an old incarnation is stale.
        #expect(membership.onMessage(from: "node-1", incarnation: 1, signOfLife: false, now: start + .seconds(9)) == .fresh)
        #expect(membership.onTick(now: start + .seconds(6)) == ["node-1"])
        _ = membership.onMessage(from: "node-1", incarnation: 2, signOfLife: true, now: start + .seconds(10))
        try membership.onHello(clients(3...5), from: "node-1")
        #expect(membership.onMessage(from: "node-1", incarnation: 1, signOfLife: true, now: start + .seconds(10)) == .stale)
        #expect(membership.onMessage(from: "node-1", incarnation: 3, signOfLife: true, now: start + .seconds(11)) == .restarted("node-1"))
        #expect(!membership.isMember("node-1") && membership.registeredClients == 0)
        #expect(membership.detector.incarnation(of: "node-1") == 3, "alive, but a member again only after its hello")
    }

    /// A node whose heartbeats wait unread (the coordinator is behind on its control lanes) is
    /// judged only up to the oldest unread message: silence it has not read is no silence.
    @Test func silenceIsMeasuredOnlyUpToTheControlTrafficRead() throws {
        var membership = Membership(interval: .seconds(1), liveness: 3)
        _ = membership.onMessage(from: "node-0", incarnation: 1, signOfLife: true, now: start)
        try membership.onHello(clients(0...1), from: "node-0")
        let late = start + .seconds(10)
        // Traffic unread since 2 s: node-0's heartbeat may be in it.
        #expect(membership.nextCheck(now: late, unreadSince: start + .seconds(2)) == late + .milliseconds(100),
            "the overdue verdict waits, looked at again a tenth of an interval later")
        #expect(membership.onTick(now: late, unreadSince: start + .seconds(2)).isEmpty)
        #expect(membership.onTick(now: late, unreadSince: start + .seconds(3)).isEmpty, "exactly the timeout: not yet")
        // Read up to a point past the timeout, with no sign of life from node-0 in it: dead.
        #expect(membership.nextCheck(now: late, unreadSince: start + .seconds(4)) == start + .seconds(3) + .nanoseconds(1))
        #expect(membership.onTick(now: late, unreadSince: start + .seconds(4)) == ["node-0"])
        #expect(!membership.isMember("node-0"))
        // Nothing unread: judged at now.
        _ = membership.onMessage(from: "node-1", incarnation: 1, signOfLife: true, now: late)
        #expect(membership.nextCheck(now: late, unreadSince: nil) == late + .seconds(3) + .nanoseconds(1))
        #expect(membership.onTick(now: late + .seconds(4), unreadSince: nil) == ["node-1"])
    }
}
