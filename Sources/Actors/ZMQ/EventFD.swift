import CZMQ
import Glibc

/// A non-blocking `eventfd`: the I/O loop polls it next to its sockets so that other threads can
/// wake a `zmq_poll` that would otherwise sleep until a socket is ready.
struct EventFD: Sendable {
    let descriptor: Int32

    init() throws(ZMQError) {
        let descriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard descriptor >= 0 else { throw ZMQError(code: errno, operation: "eventfd") }
        self.descriptor = descriptor
    }

    /// Makes the descriptor readable (adds 1 to the counter).
    func signal() {
        var one: UInt64 = 1
        while write(descriptor, &one, MemoryLayout<UInt64>.size) < 0 && errno == fedz_EINTR {}
    }

    /// Resets the counter so the descriptor is no longer readable.
    func drain() {
        var count: UInt64 = 0
        while read(descriptor, &count, MemoryLayout<UInt64>.size) < 0 && errno == fedz_EINTR {}
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
