import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// How an executable's main work ended under `ProcessServices.run`.
public enum ProcessOutcome<Success: Sendable>: Sendable {
    /// The work ran to its end, successfully or not (a stop asked for once it had nothing left
    /// but to linger ends it successfully).
    case finished(Result<Success, any Error>)
    /// A stop was asked for (SIGTERM, SIGINT, or the parent process gone), for `reason`, and
    /// the work, cancelled, did not succeed.
    case stopped(reason: String)
}

/// The long-running pieces of an executable as one `ServiceGroup`: the services beside its
/// work (its telemetry server), the work itself, and a watch on the signals and the parent
/// process (`ProcessLifecycle`). A stop request or the work's end shuts the group down
/// gracefully, in reverse order: the watch, the work (cancelled when it is still running), then
/// the services beside it.
public enum ProcessServices {
    /// Runs `work` beside `services` until it ends or a stop is asked for; `onStop` is told the
    /// reason first.
    public static func run<Success: Sendable>(
        beside services: [any Service] = [], parent: pid_t?, logger: Logger,
        onStop: @escaping @Sendable (String) -> Void = { _ in },
        _ work: @escaping @Sendable () async throws -> Success
    ) async -> ProcessOutcome<Success> {
        let main = WorkService(work: work)
        let watch = TerminationService(parent: parent, onStop: onStop)
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) } + [
                .init(service: main, successTerminationBehavior: .gracefullyShutdownGroup),
                .init(service: watch, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [], logger: logger))
        do {
            try await group.run()
        } catch {
            // A service beside the work failed; the work was cancelled with the group.
            logger.error("stopping: a service failed", metadata: ["error": "\(error)"])
        }
        let result = main.result.withLock { $0 } ?? .failure(CancellationError())
        if case .failure = result, let reason = watch.reason.withLock({ $0 }) { return .stopped(reason: reason) }
        return .finished(result)
    }
}

/// The executable's work, cancelled when the group shuts down before it ends.
private final class WorkService<Success: Sendable>: Service, Sendable {
    let work: @Sendable () async throws -> Success
    let result = Mutex<Result<Success, any Error>?>(nil)

    init(work: @escaping @Sendable () async throws -> Success) { self.work = work }

    func run() async {
        let work = self.work
        let outcome: Result<Success, any Error>
        do {
            outcome = .success(try await cancelWhenGracefulShutdown { try await work() })
        } catch {
            outcome = .failure(error)
        }
        result.withLock { $0 = outcome }
    }
}

/// Ends at the first SIGTERM or SIGINT, or once the parent process is gone, recording why; or
/// quietly when the group shuts down for another reason.
private final class TerminationService: Service, Sendable {
    let parent: pid_t?
    let onStop: @Sendable (String) -> Void
    let reason = Mutex<String?>(nil)

    init(parent: pid_t?, onStop: @escaping @Sendable (String) -> Void) {
        self.parent = parent
        self.onStop = onStop
    }

    func run() async {
        let (requests, request) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
        let watch = ProcessLifecycle.onTermination(parent: parent) { request.yield($0) }
        defer { withExtendedLifetime(watch) {} }
        guard let stop = await cancelWhenGracefulShutdown({ await requests.first { _ in true } }) else { return }
        reason.withLock { $0 = stop }
        onStop(stop)
    }
}
