import Actors
import FedzProtocol
import Testing

extension ActorsClusteredTests {
    @Suite struct BackPressure {
        @Test func pusherWaitsWhileConsumerIsSlowAndNothingIsLost() async throws {
            try await withLoop { loop in
                let small = SocketSettings(sendHighWaterMark: 4, receiveHighWaterMark: 4, inboundBufferLimit: 4)
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: small)
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint, settings: small)
                let payload = Frame(repeating: 0xAB, count: 64 << 10)

                // Nobody reads: buffers fill up (Swift, libzmq HWMs, kernel) until a send cannot
                // complete within its timeout.
                var sent = 0
                while true {
                    do {
                        try await pusher.send([indexFrame(sent), payload], timeout: .milliseconds(300))
                        sent += 1
                    } catch let error as ActorsError where error.code == .deadlineExceeded {
                        break
                    }
                    try #require(sent < 20_000, "the pusher never reached the high-water mark")
                }
                #expect(await pusher.counters.wouldBlock >= 1)

                // More sends now stay suspended...
                let more = 20
                let firstMore = sent
                let backlog = Task {
                    for i in firstMore..<(firstMore + more) {
                        try await pusher.send([indexFrame(i), payload], timeout: .seconds(30))
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                #expect(await pusher.counters.sent == sent)

                // ...and complete once the consumer reads; every message arrives, in order.
                let received = try await puller.messages.collect(sent + more)
                try await backlog.value
                #expect(received.map { index(of: $0[0]) } == Array(0..<(sent + more)))
                #expect(received.allSatisfy { $0[1] == payload })
                #expect(await pusher.counters.sent == sent + more)
                #expect(await pusher.counters.wouldBlock >= 2)
            }
        }

        @Test func sendWithoutPeerTimesOut() async throws {
            try await withLoop { loop in
                let pusher = try await Pusher(loop: loop, connect: try await unusedEndpoint())
                let clock = ContinuousClock()
                let started = clock.now
                let error = try await #require(throws: ActorsError.self) {
                    try await pusher.send([bytes("hello")], timeout: .milliseconds(200))
                }
                let elapsed = clock.now - started
                #expect(error.code == .deadlineExceeded)
                #expect(elapsed >= .milliseconds(200))
                #expect(elapsed < .seconds(5))
                #expect(await pusher.counters == SocketCounters(sent: 0, received: 0, wouldBlock: 1, dropped: 1))
            }
        }

        @Test func cancelledSendIsWithdrawnAndNeverDelivered() async throws {
            try await withLoop { loop in
                let endpoint = try await unusedEndpoint()
                let pusher = try await Pusher(loop: loop, connect: endpoint)
                let parked = Task { try await pusher.send([bytes("cancelled")], timeout: .seconds(30)) }
                try await Task.sleep(for: .milliseconds(100))
                parked.cancel()
                let outcome = try await within(.seconds(2), "cancelled send") { await parked.result }
                #expect(throws: CancellationError.self) { try outcome.get() }

                // A peer appears at the endpoint: only the later message arrives.
                var puller: Puller?
                for _ in 0..<50 where puller == nil {
                    puller = try? await Puller(loop: loop, bind: endpoint)
                    if puller == nil { try await Task.sleep(for: .milliseconds(20)) }
                }
                let peer = try #require(puller, "could not re-bind \(endpoint)")
                try await pusher.send([bytes("after")])
                #expect(try await peer.messages.next() == [bytes("after")])
                #expect(await peer.messages.staysQuiet(for: .milliseconds(200)))
            }
        }

        @Test func oversizedMessageIsDroppedAndReceiverKeepsWorking() async throws {
            try await withLoop { loop in
                let limited = SocketSettings(maxMessageSize: 1024)
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: limited)
                let offender = try await Pusher(loop: loop, connect: puller.endpoint)
                try await offender.send([Frame(repeating: 1, count: 4096)])

                let fresh = try await Pusher(loop: loop, connect: puller.endpoint)
                try await fresh.send([bytes("fine")])
                #expect(try await puller.messages.next() == [bytes("fine")])
                #expect(await puller.messages.staysQuiet(for: .milliseconds(300)))
                #expect(await puller.counters.received == 1)
            }
        }
    }
}
