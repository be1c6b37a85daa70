import Actors
import FedzProtocol
import Testing

extension ActorsClusteredTests {
    @Suite struct PushPull {
        @Test func multipartRoundTripWithLargeAndEmptyFrames() async throws {
            try await withLoop { loop in
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
                #expect(puller.endpoint.hasPrefix("tcp://127.0.0.1:"))
                #expect(!puller.endpoint.hasSuffix(":*"))
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint)
                let megabyte = Frame((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
                let sent: [Multipart] = [
                    [bytes("fedz/1/update/"), bytes("{}"), megabyte],
                    [[]],
                    [[], [], []],
                    [bytes("a"), [], bytes("c")],
                ]
                for message in sent { try await pusher.send(message) }
                let received = try await puller.messages.collect(sent.count)
                #expect(received == sent)
                #expect(await pusher.counters.sent == sent.count)
                #expect(await puller.counters.received == sent.count)
                let bytes = sent.reduce(0) { $0 + $1.byteCount }
                #expect(bytes > 1 << 20)
                #expect(await pusher.counters.bytesSent == bytes)
                #expect(await puller.counters.bytesReceived == bytes)
            }
        }

        @Test func tenThousandMessagesKeepTheirOrder() async throws {
            try await withLoop { loop in
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint)
                let count = 10_000
                async let received = puller.messages.collect(count)
                for i in 0..<count { try await pusher.send([bytes("seq/"), indexFrame(i)]) }
                let indices = try await received.map { index(of: $0[1]) }
                #expect(indices == Array(0..<count))
            }
        }

        @Test func manySendersFairQueuedIntoOnePuller() async throws {
            try await withLoop { loop in
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
                let senders = 4
                let perSender = 5_000
                async let received = puller.messages.collect(senders * perSender)
                try await withThrowingDiscardingTaskGroup { group in
                    for sender in 0..<senders {
                        let pusher = try await Pusher(loop: loop, connect: puller.endpoint)
                        group.addTask {
                            for i in 0..<perSender {
                                let filler = Frame(repeating: 1, count: 100)
                                try await pusher.send([indexFrame(sender), indexFrame(i), filler])
                            }
                        }
                    }
                }
                var nextIndex = [Int](repeating: 0, count: senders)
                for message in try await received {
                    let sender = index(of: message[0])
                    #expect(index(of: message[1]) == nextIndex[sender])
                    nextIndex[sender] += 1
                }
                #expect(nextIndex == [Int](repeating: perSender, count: senders))
            }
        }

        @Test func bindFailureKeepsErrnoAndOperation() async throws {
            try await withLoop { loop in
                let first = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
                let error = try await #require(throws: ZMQError.self) {
                    _ = try await Puller(loop: loop, bind: first.endpoint)
                }
                #expect(error.operation == "zmq_bind(\(first.endpoint))")
                #expect(error.code == 98)  // EADDRINUSE
                #expect(error.description.contains("Address already in use"))
            }
        }
    }
}
