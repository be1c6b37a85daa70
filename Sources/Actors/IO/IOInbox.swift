import Foundation

/// The command queue between Swift code and the I/O thread, plus the eventfd that wakes the
/// thread's `zmq_poll`.
final class IOInbox: @unchecked Sendable {
    // @unchecked: every mutable field is read and written only while holding `lock`; the eventfd
    // is written only under `lock` and only before `stop()`, so it is never used after close.
    private let lock = NSLock()
    private var commands: [IOCommand] = []
    private var stopped = false
    private var lastID: UInt64 = 0
    let wakeUp: EventFD

    init() throws(ZMQError) {
        wakeUp = try EventFD()
    }

    func makeID() -> IOLoopID {
        lock.withLock {
            lastID += 1
            return IOLoopID(rawValue: lastID)
        }
    }

    /// Queues `command` for the loop, or rejects it (`loopStopped`) if the loop has stopped.
    func submit(_ command: IOCommand) {
        let accepted = lock.withLock {
            guard !stopped else { return false }
            // The loop drains the eventfd before taking commands, so a wake-up is needed only
            // when the queue was empty; a non-empty queue has one pending already.
            if commands.isEmpty { wakeUp.signal() }
            commands.append(command)
            return true
        }
        if !accepted { command.reject() }
    }

    /// Wakes the loop so it re-reads socket state (e.g. a consumer made room in an inbound buffer).
    func wake() {
        lock.withLock {
            if !stopped { wakeUp.signal() }
        }
    }

    /// Called by the loop after draining the eventfd.
    func takeAll() -> [IOCommand] {
        lock.withLock {
            defer { commands = [] }
            return commands
        }
    }

    /// From now on every `submit` is rejected; returns what was still queued.
    func stop() -> [IOCommand] {
        lock.withLock {
            stopped = true
            defer { commands = [] }
            return commands
        }
    }
}
