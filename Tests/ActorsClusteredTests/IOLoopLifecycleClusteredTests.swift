import Actors
import FedzProtocol
import Testing

extension ActorsClusteredTests {
    @Suite struct IOLoopLifecycle {
        @Test func shutdownWithPendingSendsIsQuickAndFailsThem() async throws {
            let loop = try await IOLoop.start()
            // Parked in Swift: no peer at all.
            let lonely = try await Pusher(loop: loop, connect: try await unusedEndpoint())
            let parked = (0..<5).map { i in
                Task { try await lonely.send([indexFrame(i)], timeout: .seconds(30)) }
            }
            // Queued inside libzmq: a peer that never reads.
            let small = SocketSettings(sendHighWaterMark: 2, receiveHighWaterMark: 2, inboundBufferLimit: 1)
            let deaf = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: small)
            let pusher = try await Pusher(loop: loop, connect: deaf.endpoint, settings: small)
            var filled = false
            for _ in 0..<10_000 where !filled {
                do {
                    try await pusher.send([Frame(repeating: 0, count: 64 << 10)], timeout: .milliseconds(200))
                } catch {
                    filled = true
                }
            }
            #expect(filled)

            let clock = ContinuousClock()
            let elapsed = await clock.measure { await loop.shutdown() }
            #expect(elapsed < .seconds(1))
            for task in parked {
                let error = await #expect(throws: ActorsError.self) { try await task.value }
                #expect(error?.code == .loopStopped)
            }
        }

        @Test func descriptorsAndThreadsReturnToBaseline() async throws {
            // Counted around whole start/use/shutdown cycles; a leak shows in every attempt,
            // unrelated activity (the concurrency pool growing) at most in the first.
            var results: [(fds: (Int, Int), threads: (Int, Int))] = []
            for _ in 0..<5 {
                let fds = procEntries("fd")
                let threads = procEntries("task")
                try await withLoop { loop in
                    let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
                    let pusher = try await Pusher(loop: loop, connect: puller.endpoint)
                    try await pusher.send([bytes("ping")])
                    _ = try await puller.messages.next()
                }
                results.append(((fds, procEntries("fd")), (threads, procEntries("task"))))
                if results.last!.fds.0 == results.last!.fds.1 && results.last!.threads.0 == results.last!.threads.1 {
                    break
                }
            }
            let last = try #require(results.last)
            #expect(last.fds.0 > 0 && last.threads.0 > 0)
            #expect(last.fds.0 == last.fds.1, "open descriptors before/after per attempt: \(results.map(\.fds))")
            #expect(last.threads.0 == last.threads.1, "threads before/after per attempt: \(results.map(\.threads))")
        }

        @Test func oneNamedThreadUntilShutdown() async throws {
            let loop = try await IOLoop.start(name: "fedz-io-named-at-length")
            #expect(threadNames().filter { $0 == "fedz-io-named-a" }.count == 1)
            await loop.shutdown()
            #expect(!threadNames().contains("fedz-io-named-a"))
        }

        @Test func streamsEndAfterShutdown() async throws {
            let loop = try await IOLoop.start()
            let publisher = try await Publisher(loop: loop, bind: "tcp://127.0.0.1:*")
            let subscriber = try await Subscriber(loop: loop, connect: [publisher.endpoint], topics: ["fedz/"])
            let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
            let waiting = Task {
                var iterator = puller.messages.makeAsyncIterator()
                return await iterator.next()
            }
            try await Task.sleep(for: .milliseconds(50))
            await loop.shutdown()
            let last = try await within(.seconds(2), "waiting consumer") { await waiting.value }
            #expect(last == nil)
            #expect(await subscriber.messages.ends(within: .seconds(2)))
            #expect(await puller.messages.ends(within: .seconds(2)))
        }

        @Test func socketsAfterShutdownThrowLoopStopped() async throws {
            let loop = try await IOLoop.start()
            let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
            let pusher = try await Pusher(loop: loop, connect: puller.endpoint)
            let publisher = try await Publisher(loop: loop, bind: "tcp://127.0.0.1:*")
            await loop.shutdown()
            await loop.shutdown()

            let pushError = await #expect(throws: ActorsError.self) { try await pusher.send([bytes("late")]) }
            #expect(pushError?.code == .loopStopped)
            let publishError = await #expect(throws: ActorsError.self) { try await publisher.send([bytes("late")]) }
            #expect(publishError?.code == .loopStopped)
            let openError = await #expect(throws: ActorsError.self) {
                _ = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
            }
            #expect(openError?.code == .loopStopped)
            await puller.close()
            await pusher.close()
        }

        @Test func closeEndsStreamAndRejectsSends() async throws {
            try await withLoop { loop in
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint)
                try await pusher.send([bytes("before close")])
                #expect(try await puller.messages.next() == [bytes("before close")])
                await puller.close()
                await puller.close()
                #expect(await puller.messages.ends(within: .seconds(2)))
                try await Task.sleep(for: .milliseconds(200))  // the pusher notices its peer is gone

                let parked = Task { try await pusher.send([bytes("parked")], timeout: .seconds(30)) }
                try await Task.sleep(for: .milliseconds(300))
                await pusher.close()
                let parkedError = await #expect(throws: ActorsError.self) { try await parked.value }
                #expect(parkedError?.code == .socketClosed)
                let error = await #expect(throws: ActorsError.self) { try await pusher.send([bytes("after close")]) }
                #expect(error?.code == .socketClosed)
            }
        }
    }
}
