import FedzProtocol

/// A ZeroMQ I/O loop: one dedicated OS thread that owns a ZMQ context and its sockets (a process
/// may run more than one: the coordinator gives its control socket a loop of its own).
/// Swift code never calls libzmq; it queues commands for the thread and awaits answers.
public final class IOLoop: Sendable {
    let inbox: IOInbox
    let security: SecurityLedger
    private let thread: LoopThread

    private init(inbox: IOInbox, security: SecurityLedger, thread: LoopThread) {
        self.inbox = inbox
        self.security = security
        self.thread = thread
    }

    /// Starts the thread (named `name`) and returns once it has created the ZMQ context.
    public static func start(name: String = "fedz-io") async throws -> IOLoop {
        let inbox = try IOInbox()
        let security = SecurityLedger()
        var thread: LoopThread?
        do {
            try await withCheckedThrowingContinuation { (ready: CheckedContinuation<Void, any Error>) in
                do {
                    thread = try LoopThread(name: name) { IOLoopRunner.run(inbox: inbox, security: security, ready: ready) }
                } catch {
                    inbox.wakeUp.close()
                    ready.resume(throwing: error)
                }
            }
        } catch {
            thread?.join()
            throw error
        }
        guard let thread else { preconditionFailure("the loop thread reported ready without starting") }
        return IOLoop(inbox: inbox, security: security, thread: thread)
    }

    /// Closes every socket (LINGER applied), fails parked sends with `loopStopped`, ends every
    /// inbound stream and `securityEvents`, terminates the context and joins the thread. Bounded by the sockets'
    /// LINGER (well under 1 s with the defaults). Idempotent.
    public func shutdown() async {
        await withCheckedContinuation { inbox.submit(.shutdown($0)) }
        thread.join()
    }

    func open(_ request: SocketRequest) async throws -> OpenedSocket {
        try await withCheckedThrowingContinuation { inbox.submit(.open(request, $0)) }
    }

    /// Sends on the loop thread; parks while the socket would block, until `deadline` or cancellation.
    func send(_ message: Multipart, on socket: IOLoopID, deadline: ContinuousClock.Instant?) async throws
        -> SendReceipt
    {
        let id = inbox.makeID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                inbox.submit(.send(socket: socket, OutboundMessage(
                    id: id, message: message, deadline: deadline, continuation: continuation)))
                // Cancelled before the handler was installed: its cancel was queued ahead of the send.
                if Task.isCancelled { inbox.submit(.cancelSend(socket: socket, send: id)) }
            }
        } onCancel: {
            inbox.submit(.cancelSend(socket: socket, send: id))
        }
    }

    func close(_ socket: IOLoopID) async {
        await withCheckedContinuation { inbox.submit(.close(socket, $0)) }
    }

    /// Closes without waiting (for `deinit`).
    func closeEventually(_ socket: IOLoopID) {
        inbox.submit(.close(socket, nil))
    }

    func makeInboundBuffer(limit: Int) -> InboundBuffer {
        InboundBuffer(limit: limit) { [inbox] in inbox.wake() }
    }
}
