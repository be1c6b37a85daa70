import Actors
import FedzProtocol
import Testing

extension ActorsClusteredTests {
    @Suite struct PriorityLane {
        @Test func controlMessagesOvertakeABulkBacklogAndNothingIsLost() async throws {
            try await withLoop { loop in
                let small = SocketSettings(inboundBufferLimit: 4)
                let puller = try await Puller(
                    loop: loop, bind: "tcp://127.0.0.1:*", settings: small, priorityTopics: [.control])
                let control = try #require(puller.priorityMessages)
                let bulk = try await Pusher(loop: loop, connect: puller.endpoint)
                let heartbeats = try await Pusher(loop: loop, connect: puller.endpoint)
                let report = bytes(Topic.report.rawValue)

                // Nobody reads the bulk lane: 6 updates fill its buffer (limit 4) and pause it.
                for i in 0..<6 { try await bulk.send([report, indexFrame(i)], timeout: .seconds(5)) }
                try await Task.sleep(for: .milliseconds(200))
                // A heartbeat still gets through at once, on its own lane, stamped when the loop
                // read it; it counts as unfinished while in the consumer's hands.
                let sent = ContinuousClock.now
                #expect(control.unfinishedSince == nil)
                try await heartbeats.send([bytes(Topic.control.rawValue), bytes("beat")], timeout: .seconds(5))
                let beat = try await within(.seconds(5), "the heartbeat") {
                    var lane = control.withPeers.makeAsyncIterator()
                    return await lane.next()
                }
                #expect(beat?.frames.last == bytes("beat"))
                let arrival = try #require(beat?.arrival)
                #expect(arrival >= sent && arrival <= ContinuousClock.now)
                #expect(control.unfinishedSince == arrival)
                let oldestUpdate = try #require(puller.messages.unfinishedSince, "the updates wait unread")
                #expect(oldestUpdate < arrival)

                // The backlog is all there, in order, and none of it went to the control lane.
                let updates = try await puller.messages.collect(6)
                #expect(updates.map { $0[0] } == Array(repeating: report, count: 6))
                #expect(updates.map { index(of: $0[1]) } == Array(0..<6))
                #expect(await puller.counters.received == 7)
            }
        }

        @Test func aPullerWithoutPriorityTopicsHasNoLaneAndKeepsOneOrder() async throws {
            try await withLoop { loop in
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
                #expect(puller.priorityMessages == nil)
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint)
                try await pusher.send([bytes(Topic.report.rawValue), indexFrame(0)])
                try await pusher.send([bytes(Topic.control.rawValue), indexFrame(1)])
                let both = try await puller.messages.collect(2)
                #expect(both.map { index(of: $0[1]) } == [0, 1])
            }
        }
    }
}
