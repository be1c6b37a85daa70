@testable import FedzProtocol
import Synchronization
import Testing

/// The in-process transport and clock that `CoordinatorTests` run a federation on: routing as
/// ZeroMQ's PUB/SUB and PUSH/PULL do, the peer's name as its authenticated identity, a message
/// counted until handled, time that moves only when told, and faults as a decorator.
@Suite struct InMemoryFleetTests {
    /// The order in which sleepers woke.
    final class Woken: Sendable {
        let order = Mutex<[Int]>([])
    }

    static func frames(_ topic: Topic, _ body: String = "x") -> Multipart { [Array(topic.rawValue.utf8), Array(body.utf8)] }

    @Test func publishingReachesSubscribersByTopicPrefixOnly() async {
        let fleet = InMemoryFleet(clock: SystemClock())
        let one = fleet.connect("node-1", topics: [.node("node-1"), .round])
        let ten = fleet.connect("node-10", topics: [.node("node-10")])
        let coordinator = fleet.coordinatorChannel
        try? await coordinator.send(Self.frames(.node("node-1"), "for one"))
        try? await coordinator.send(Self.frames(.round, "for all on round"))
        try? await coordinator.send(Self.frames(.node("node-10"), "for ten"))
        #expect(fleet.backlog == ["node-1": 2, "node-10": 1], "node/node-1/ does not prefix node/node-10/")
        var received: [String] = []
        for await frames in one.messages {
            received.append(String(decoding: frames[1], as: UTF8.self))
            if received.count == 2 { break }
        }
        #expect(received == ["for one", "for all on round"])
        _ = ten
    }

    @Test func pushesCarryTheConnectionsNameAndControlTrafficHasItsOwnLane() async throws {
        let fleet = InMemoryFleet(clock: SystemClock())
        let node = fleet.connect("node-3", topics: [])
        try await node.push(Self.frames(.report, "update"), control: false, timeout: .seconds(1))
        try await node.push(Self.frames(.control, "heartbeat"), control: true, timeout: .seconds(1))
        let lanes = fleet.coordinatorChannel.lanes
        #expect(lanes.count == 2)
        var bulk = lanes[0].makeAsyncIterator()
        var control = lanes[1].makeAsyncIterator()
        let update = try #require(await bulk.next(isolation: nil))
        let heartbeat = try #require(await control.next(isolation: nil))
        #expect(update.peer == "node-3" && String(decoding: update.frames[1], as: UTF8.self) == "update")
        #expect(heartbeat.peer == "node-3" && String(decoding: heartbeat.frames[1], as: UTF8.self) == "heartbeat")
        // Plain text: the transport vouches for nobody.
        let plain = InMemoryFleet(authenticates: false, clock: SystemClock())
        try await plain.connect("node-3", topics: []).push(Self.frames(.report), control: false, timeout: .seconds(1))
        var plainBulk = plain.coordinatorChannel.lanes[0].makeAsyncIterator()
        #expect(try #require(await plainBulk.next(isolation: nil)).peer == nil)
    }

    @Test func aMessageCountsUntilItsConsumerComesBackForTheNext() async {
        let mailbox = Mailbox<Int>()
        mailbox.put(1)
        mailbox.put(2)
        #expect(mailbox.count == 2)
        #expect(await mailbox.next() == 1)
        #expect(mailbox.count == 2, "one waiting, one in the consumer's hands")
        #expect(await mailbox.next() == 2)
        #expect(mailbox.count == 1)
        #expect(mailbox.oldestUnfinished == 2, "taken, not finished with")
        mailbox.close()
        #expect(await mailbox.next() == nil)
        #expect(mailbox.count == 0 && mailbox.oldestUnfinished == nil)
    }

    /// The coordinator's control backlog: from the arrival of the oldest control message it has
    /// not finished with, which the fleet stamps on its clock; updates do not count.
    @Test func theControlBacklogRunsFromTheOldestControlMessageNotFinishedWith() async throws {
        let clock = VirtualClock()
        let fleet = InMemoryFleet(clock: clock)
        let coordinator = fleet.coordinatorChannel
        let node = fleet.connect("node-0", topics: [])
        let start = clock.now
        try await node.push(Self.frames(.report, "update"), control: false, timeout: .seconds(1))
        #expect(coordinator.controlBacklogSince == nil, "an update waiting is no control backlog")
        try await node.push(Self.frames(.control, "first"), control: true, timeout: .seconds(1))
        clock.advance(by: .seconds(2))
        try await node.push(Self.frames(.control, "second"), control: true, timeout: .seconds(1))
        #expect(coordinator.controlBacklogSince == start)
        var control = coordinator.lanes[1].makeAsyncIterator()
        #expect(try #require(await control.next(isolation: nil)).arrival == start)
        #expect(coordinator.controlBacklogSince == start, "the first is in hand until the consumer asks again")
        #expect(try #require(await control.next(isolation: nil)).arrival == start + .seconds(2))
        #expect(coordinator.controlBacklogSince == start + .seconds(2))
        fleet.close()
        #expect(await control.next(isolation: nil) == nil)
        #expect(coordinator.controlBacklogSince == nil)
    }

    @Test func aVirtualClockWakesSleepersInDeadlineOrderOnlyWhenAdvanced() async throws {
        let clock = VirtualClock()
        let start = clock.now
        let woken = Woken()
        let sleepers = [3, 1, 2].map { seconds in
            Task {
                try await clock.sleep(until: start + .seconds(seconds))
                woken.order.withLock { $0.append(seconds) }
            }
        }
        while clock.sleepsBegun < 3 { await Task.yield() }
        #expect(clock.nextDeadline == start + .seconds(1))
        // Woken tasks run concurrently, so each step waits for its sleeper before the next.
        clock.advance(by: .seconds(1))
        try await sleepers[1].value
        #expect(woken.order.withLock { $0 } == [1])
        #expect(clock.nextDeadline == start + .seconds(2))
        clock.advance(by: .seconds(1))
        try await sleepers[2].value
        #expect(woken.order.withLock { $0 } == [1, 2], "the 3 s sleeper still sleeps")
        #expect(clock.now == start + .seconds(2))
        #expect(clock.nextDeadline == start + .seconds(3))
        sleepers[0].cancel()
        await #expect(throws: CancellationError.self) { try await sleepers[0].value }
        #expect(clock.nextDeadline == nil)
        #expect(woken.order.withLock { $0 } == [1, 2])
        // A deadline already reached returns at once.
        try await clock.sleep(until: start)
    }

    @Test func aFaultyChannelDropsAndDuplicatesAsItsPlanSays() async throws {
        let fleet = InMemoryFleet(clock: SystemClock())
        let node = fleet.connect("node-0", topics: [.node("node-0")])
        var duplicate = FaultPlan()
        duplicate.duplicate = 1
        let channel = FaultyChannel(
            wrapping: fleet.coordinatorChannel, plan: duplicate, inbound: SystemRandomNumberGenerator(),
            outbound: SystemRandomNumberGenerator(), clock: VirtualClock())
        try await channel.send(Self.frames(.node("node-0"), "welcome"))
        #expect(fleet.backlog == ["node-0": 2], "sent once, delivered twice")
        try await node.push(Self.frames(.report, "update"), control: false, timeout: .seconds(1))
        var lane = channel.lanes[0].makeAsyncIterator()
        let first = try #require(await lane.next(isolation: nil))
        let second = try #require(await lane.next(isolation: nil))
        #expect(first == second && first.peer == "node-0")
        #expect(channel.counters.inbound.duplicated == 1 && channel.counters.outbound.duplicated == 1)

        var drop = FaultPlan()
        drop.drop = 1
        let silent = FaultyPeerChannel(
            wrapping: node, plan: drop, inbound: SystemRandomNumberGenerator(), outbound: SystemRandomNumberGenerator(),
            clock: VirtualClock())
        let sent = fleet.sent
        try await silent.push(Self.frames(.report, "lost"), control: false, timeout: .seconds(1))
        #expect(fleet.sent == sent, "dropped: nothing reached the coordinator")
        #expect(silent.faults.counters.outbound.dropped == 1)
    }
}
