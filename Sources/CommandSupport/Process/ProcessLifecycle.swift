import Dispatch
import Foundation

/// How an executable learns that it should stop: SIGTERM or SIGINT, or (for processes
/// started by `fedz run`) its parent process going away, so that no node outlives
/// the run that started it.
public enum ProcessLifecycle {
    /// Calls `handler` once, on a dispatch queue, at the first SIGTERM or SIGINT, or
    /// when the parent process with id `parent` is gone (checked every 500 ms). The
    /// returned token keeps the watch alive.
    public static func onTermination(
        parent: pid_t? = nil, _ handler: @escaping @Sendable (String) -> Void
    ) -> TerminationWatch {
        TerminationWatch(parent: parent, handler: handler)
    }
}

/// Keeps signal sources and the parent check alive; see `ProcessLifecycle.onTermination`.
// @unchecked: `sources` is written once in init and only cancelled in deinit.
public final class TerminationWatch: @unchecked Sendable {
    private let sources: [any DispatchSourceProtocol]

    fileprivate init(parent: pid_t?, handler: @escaping @Sendable (String) -> Void) {
        let queue = DispatchQueue(label: "fedz.termination")
        let once = Once()
        let fire: @Sendable (String) -> Void = { reason in
            if once.claim() { handler(reason) }
        }
        var sources: [any DispatchSourceProtocol] = []
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { fire(name) }
            source.resume()
            sources.append(source)
        }
        if let parent {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
            timer.setEventHandler {
                if getppid() != parent { fire("parent process exited") }
            }
            timer.resume()
            sources.append(timer)
        }
        self.sources = sources
    }

    deinit {
        for source in sources { source.cancel() }
    }
}

/// A flag that can be claimed exactly once, from any thread.
// @unchecked: `claimed` is only read and written under `lock`.
private final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false

    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}
