import Actors
import FedzProtocol
import Testing

extension ActorsClusteredTests {
    @Suite struct PubSub {
        let node7 = "fedz/1/node/7/"
        let node70 = "fedz/1/node/70/"

        @Test func topicsEndingInSlashDoNotPrefixMatch() async throws {
            try await withLoop { loop in
                let publisher = try await Publisher(loop: loop, bind: "tcp://127.0.0.1:*")
                let sub7 = try await Subscriber(loop: loop, connect: [publisher.endpoint], topics: [node7])
                let sub70 = try await Subscriber(loop: loop, connect: [publisher.endpoint], topics: [node70])

                // Slow joiners: publish until each subscriber has seen one message (bounded).
                var first7: Multipart?
                var first70: Multipart?
                for attempt in 0..<200 where first7 == nil || first70 == nil {
                    try await publisher.send([bytes(node70), bytes("\(attempt)")])
                    try await publisher.send([bytes(node7), bytes("\(attempt)")])
                    if first7 == nil { first7 = try? await sub7.messages.next(within: .milliseconds(25)) }
                    if first70 == nil { first70 = try? await sub70.messages.next(within: .milliseconds(25)) }
                }
                #expect(try #require(first7)[0] == bytes(node7))
                #expect(try #require(first70)[0] == bytes(node70))

                // Both subscriptions are live: everything up to "last" reaches sub7 in publish order,
                // and none of it is a node/70/ message.
                try await publisher.send([bytes(node70), bytes("last")])
                try await publisher.send([bytes(node7), bytes("last")])
                for (subscriber, topic) in [(sub7, node7), (sub70, node70)] {
                    while true {
                        let message = try await subscriber.messages.next()
                        #expect(message[0] == bytes(topic))
                        if message[1] == bytes("last") { break }
                    }
                }
                #expect(await publisher.counters.sent > 0)
                #expect(await publisher.counters.wouldBlock == 0)
            }
        }

        @Test func subscriberWithSeveralTopicsAndPublishers() async throws {
            try await withLoop { loop in
                let round = try await Publisher(loop: loop, bind: "tcp://127.0.0.1:*")
                let alerts = try await Publisher(loop: loop, bind: "tcp://127.0.0.1:*")
                let subscriber = try await Subscriber(
                    loop: loop, connect: [round.endpoint, alerts.endpoint],
                    topics: ["fedz/1/round/", "fedz/1/alert/"])
                var seen: Set<String> = []
                for _ in 0..<200 where seen.count < 2 {
                    try await round.send([bytes("fedz/1/round/"), bytes("start")])
                    try await round.send([bytes("fedz/1/other/"), bytes("ignored")])
                    try await alerts.send([bytes("fedz/1/alert/"), bytes("drift")])
                    while let message = try? await subscriber.messages.next(within: .milliseconds(25)) {
                        seen.insert(String(decoding: message[0], as: UTF8.self))
                    }
                }
                #expect(seen == ["fedz/1/round/", "fedz/1/alert/"])
            }
        }
    }
}
