import Foundation
import Synchronization

/// Runs CPU-heavy closures one at a time on a dedicated OS thread instead of Swift's
/// cooperative pool, so heartbeats and I/O keep flowing while a node trains.
public final class ComputeThread: Sendable {
    /// The thread's name, also used in errors.
    public let name: String
    private let queue = JobQueue()
    private let inFlight = Atomic<Int>(0)

    /// Starts a thread named `name` that waits for work.
    public init(name: String) {
        self.name = name
        Thread { [queue] in
            // Linux threads inherit their creator's name; name this one once it runs.
            Thread.current.name = name
            queue.serve()
        }.start()
    }

    deinit { queue.stop() }

    /// Runs `work` on the thread after any work submitted earlier and returns its result or
    /// rethrows its error. Cancelling the calling task does not interrupt `work`.
    /// Throws `LearningError` `.computeThreadStopped` if `stop()` was called first.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        inFlight.add(1, ordering: .relaxed)
        return try await withCheckedThrowingContinuation { continuation in
            let accepted = queue.submit { [self] in
                continuation.resume(with: Result { try work() })
                self.inFlight.subtract(1, ordering: .relaxed)
            }
            if !accepted {
                self.inFlight.subtract(1, ordering: .relaxed)
                continuation.resume(throwing: LearningError(.computeThreadStopped(name: name)))
            }
        }
    }

    /// Closures submitted whose callers have not been resumed yet: 0 when the thread is idle.
    public var pending: Int { inFlight.load(ordering: .relaxed) }

    /// Lets already submitted work finish, then ends the thread; later `run` calls throw.
    public func stop() { queue.stop() }
}

/// FIFO of jobs for one serving thread.
private final class JobQueue: @unchecked Sendable { // jobs and stopped are only touched under `condition`
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopped = false

    /// Enqueues `job`; false if the queue was stopped.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    /// Runs jobs as they arrive until stopped and drained.
    func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
