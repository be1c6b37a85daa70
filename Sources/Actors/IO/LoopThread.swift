import Foundation

/// A named OS thread (pthread) that can be joined once.
final class LoopThread: @unchecked Sendable {
    // @unchecked: `handle` is written once in `init` and cleared in `join()`, both under `lock`.
    private let lock = NSLock()
    private var handle: pthread_t?

    /// Starts `body` on a new thread named `name` (its first 15 bytes, the Linux limit).
    init(name: String, body: @escaping @Sendable () -> Void) throws(ZMQError) {
        let start = Unmanaged.passRetained(ThreadStart(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { argument in
            let start = Unmanaged<ThreadStart>.fromOpaque(argument!).takeRetainedValue()
            // Linux refuses names over 15 bytes rather than truncating them.
            var name = Substring(start.name)
            while name.utf8.count > 15 { name.removeLast() }
            Thread.current.name = String(name)
            start.body()
            return nil
        }, start)
        guard rc == 0 else {
            Unmanaged<ThreadStart>.fromOpaque(start).release()
            throw ZMQError(code: rc, operation: "pthread_create(\(name))")
        }
        handle = thread
    }

    /// Waits for the thread to exit; later calls return at once. Call only once the thread is
    /// known to be finishing, since this blocks the caller.
    func join() {
        lock.withLock {
            guard let thread = handle else { return }
            pthread_join(thread, nil)
            handle = nil
        }
    }
}

private final class ThreadStart: Sendable {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}
