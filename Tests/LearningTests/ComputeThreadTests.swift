import Foundation
@testable import Learning
import Testing

extension LearningTests {
    @Suite struct ComputeThreadTests {
        struct Boom: Error, Equatable {}

        /// Spins the CPU for `duration` and returns the thread it ran on.
        static func busyWork(_ duration: Duration) -> UInt {
            let clock = ContinuousClock()
            let end = clock.now + duration
            var x = 0.0
            while clock.now < end { x += 1 }
            precondition(x > 0)
            return UInt(pthread_self())
        }

        @Test func busyThreadsLeaveTheCooperativePoolFree() async throws {
            // One busy compute thread per core: had they run on the cooperative pool (one
            // thread per core), the short sleep below could not resume before they finished.
            // Ordering, not absolute time, so that a loaded machine cannot fail it.
            let threads = (0..<ProcessInfo.processInfo.activeProcessorCount).map { ComputeThread(name: "compute-\($0)") }
            defer { threads.forEach { $0.stop() } }
            let clock = ContinuousClock()
            let busy = threads.map { thread in
                Task { try await thread.run { (Self.busyWork(.seconds(2)), ContinuousClock.now) } }
            }
            try await Task.sleep(for: .milliseconds(50))
            let woke = clock.now
            var threadIDs: Set<UInt> = []
            for task in busy {
                let (thread, finished) = try await task.value
                threadIDs.insert(thread)
                #expect(woke < finished, "the sleep resumed while compute work was still running")
            }
            #expect(threadIDs.count == threads.count, "each compute thread ran its own work")
        }

        @Test func errorsPropagateAndWorkRunsInOrder() async throws {
            let thread = ComputeThread(name: "compute-errors")
            defer { thread.stop() }
            await #expect(throws: Boom()) { try await thread.run { () throws -> Int in throw Boom() } }
            #expect(try await thread.run { 6 * 7 } == 42)
        }

        @Test func stoppedThreadRefusesWork() async throws {
            let thread = ComputeThread(name: "compute-stopped")
            #expect(try await thread.run { 1 } == 1)
            thread.stop()
            await #expect(throws: LearningError(.computeThreadStopped(name: "compute-stopped"))) {
                try await thread.run { 2 }
            }
        }
    }
}
