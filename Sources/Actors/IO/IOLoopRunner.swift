/// A socket as the loop sees it.
private final class OpenSocket {
    let socket: ZMQSocket
    let inbound: InboundBuffer?
    let priority: PriorityLane?
    var pending = PendingSends()
    let receiveBatch: Int
    let limits: MessageLimits
    let isCurveServer: Bool
    /// Watches the handshakes of CURVE client sockets.
    let monitor: SocketMonitor?
    /// Peers whose handshake failure was reported and has not succeeded since.
    var failingPeers: Set<String> = []

    init(
        socket: ZMQSocket, inbound: InboundBuffer?, priority: PriorityLane?, receiveBatch: Int, limits: MessageLimits,
        isCurveServer: Bool, monitor: SocketMonitor?
    ) {
        self.socket = socket
        self.inbound = inbound
        self.priority = priority
        self.receiveBatch = receiveBatch
        self.limits = limits
        self.isCurveServer = isCurveServer
        self.monitor = monitor
    }

    /// Whether to read: the main buffer wants more, or the priority lane does and the main
    /// buffer still has room past its limit.
    var wantsToRead: Bool {
        guard let inbound else { return false }
        if inbound.wantsMore { return true }
        guard let priority else { return false }
        return priority.buffer.wantsMore && inbound.hasOverflowRoom
    }
}

/// The I/O thread's state and loop: owns the ZMQ context and every socket. Confined to the
/// thread that runs `run(inbox:ready:)` (not `Sendable`; nothing here escapes the thread).
final class IOLoopRunner {
    private let inbox: IOInbox
    private let context: ZMQContext
    private let security: SecurityLedger
    private var sockets: [IOLoopID: OpenSocket] = [:]
    private var zapHandler: ZAPHandler?
    private var shutdownWaiters: [CheckedContinuation<Void, Never>] = []

    private init(inbox: IOInbox, context: ZMQContext, security: SecurityLedger) {
        self.inbox = inbox
        self.context = context
        self.security = security
    }

    /// The thread body: creates the context, reports readiness, serves commands until shutdown,
    /// then closes every socket, terminates the context and closes the eventfd.
    static func run(inbox: IOInbox, security: SecurityLedger, ready: CheckedContinuation<Void, any Error>) {
        let context: ZMQContext
        do {
            context = try ZMQContext()
        } catch {
            for command in inbox.stop() { command.reject() }
            inbox.wakeUp.close()
            security.finish()
            ready.resume(throwing: error)
            return
        }
        ready.resume()
        let runner = IOLoopRunner(inbox: inbox, context: context, security: security)
        runner.serve()
        runner.tearDown()
    }

    private func serve() {
        while shutdownWaiters.isEmpty {
            var poll = ZMQPoll(wakeUp: inbox.wakeUp, capacity: sockets.count)
            var polled: [IOLoopID] = []
            for (id, entry) in sockets {
                var events: PollEvents = []
                if entry.wantsToRead { events.insert(.readable) }
                if !entry.pending.isEmpty { events.insert(.writable) }
                guard !events.isEmpty else { continue }
                poll.add(entry.socket, events: events)
                polled.append(id)
            }
            let monitored = sockets.compactMap { id, entry in entry.monitor.map { (id, $0) } }
            for (_, monitor) in monitored { poll.add(monitor.socket, events: .readable) }
            // Captured before commands run: an install during this pass is polled from the next.
            let polledZAP = zapHandler
            if let polledZAP { poll.add(polledZAP.socket, events: .readable) }
            guard poll.poll(timeoutMilliseconds: pollTimeout()) else { continue }
            if poll.wakeUpIsReadable { inbox.wakeUp.drain() }
            for command in inbox.takeAll() { handle(command) }
            for (index, id) in polled.enumerated() {
                guard let entry = sockets[id] else { continue }
                let events = poll.events(ofSocketAt: index)
                if events.contains(.writable) { flush(entry) }
                if events.contains(.readable) { receive(entry) }
            }
            for (offset, (id, monitor)) in monitored.enumerated()
            where poll.events(ofSocketAt: polled.count + offset).contains(.readable) {
                // A command of this pass may have closed the socket and its monitor.
                guard let entry = sockets[id] else { continue }
                report(monitor.takeOutcomes(), of: entry)
            }
            if let polledZAP, poll.events(ofSocketAt: polled.count + monitored.count).contains(.readable) {
                polledZAP.answerPending(authenticate: security.authenticate)
            }
            expireDeadlines()
        }
    }

    /// Milliseconds until the nearest parked-send deadline, or -1 (wait for a socket or the eventfd).
    private func pollTimeout() -> Int {
        guard let deadline = sockets.values.compactMap(\.pending.nearestDeadline).min() else { return -1 }
        return Int(clamping: (deadline - .now).roundedUpMilliseconds)
    }

    private func handle(_ command: IOCommand) {
        switch command {
        case .open(let request, let continuation):
            continuation.resume(with: Result { try openSocket(request) })
        case .send(let id, let outbound):
            guard let entry = sockets[id] else {
                outbound.continuation.resume(throwing: ActorsError(.socketClosed, "send on a closed socket"))
                return
            }
            entry.pending.append(outbound)
            if entry.pending.first?.id == outbound.id { flush(entry, waited: false) }
        case .cancelSend(let id, let sendID):
            sockets[id]?.pending.remove(id: sendID)?.continuation.resume(throwing: CancellationError())
        case .close(let id, let continuation):
            if let entry = sockets.removeValue(forKey: id) {
                close(entry, failing: ActorsError(.socketClosed, "the socket was closed"))
            }
            continuation?.resume()
        case .shutdown(let continuation):
            shutdownWaiters.append(continuation)
        case .installAuthenticator(let allowList, let continuation):
            continuation.resume(with: Result { try installAuthenticator(allowList) })
        }
    }

    /// Binds the ZAP handler on first use (refused once a CURVE server socket is open, since its
    /// clients so far got in unchecked), then (re)places the allow-list.
    private func installAuthenticator(_ allowList: AllowList) throws {
        if zapHandler == nil {
            guard !sockets.values.contains(where: \.isCurveServer) else {
                throw ActorsError(.misconfigured, "install the authenticator before opening CURVE server sockets")
            }
            zapHandler = try ZAPHandler(context: context)
        }
        security.install(allowList)
    }

    private func openSocket(_ request: SocketRequest) throws -> OpenedSocket {
        let socket = try ZMQSocket(context: context, kind: request.kind)
        var monitor: SocketMonitor?
        do {
            let id = inbox.makeID()
            try socket.apply(request.settings, kind: request.kind)
            if let curve = request.settings.curve {
                try socket.apply(curve, zapDomain: zapHandler == nil ? nil : ZAPHandler.domain)
                if !curve.isServer { monitor = try SocketMonitor(context: context, watching: socket, id: id) }
            }
            for topic in request.topics { try socket.subscribe(topic) }
            let endpoint: String
            switch request.attachment {
            case .bind(let address):
                try socket.bind(address)
                endpoint = try socket.lastEndpoint()
            case .connect(let addresses):
                for address in addresses { try socket.connect(address) }
                endpoint = addresses.first ?? ""
            }
            sockets[id] = OpenSocket(
                socket: socket, inbound: request.inbound, priority: request.priority,
                receiveBatch: max(request.settings.inboundBufferLimit, 1), limits: request.settings.messageLimits,
                isCurveServer: request.settings.curve?.isServer ?? false,
                monitor: monitor)
            return OpenedSocket(id: id, endpoint: endpoint)
        } catch {
            socket.close()
            monitor?.close()
            request.inbound?.finish()
            request.priority?.buffer.finish()
            throw error
        }
    }

    /// Sends parked messages in order until the socket would block.
    private func flush(_ open: OpenSocket, waited: Bool = true) {
        while let next = open.pending.first {
            let result: IOResult<Void>
            do {
                result = try open.socket.send(next.message)
            } catch {
                _ = open.pending.removeFirst()
                next.continuation.resume(throwing: error)
                continue
            }
            guard case .processed = result else { return }
            _ = open.pending.removeFirst()
            next.continuation.resume(returning: SendReceipt(waited: waited))
        }
    }

    /// Reads whole messages into the inbound buffer (or the priority lane, for its topics),
    /// dropping and counting those past the socket's `MessageLimits`, until the socket is empty, reading stops being wanted, or one batch is done (so one
    /// busy socket cannot starve the others).
    private func receive(_ open: OpenSocket) {
        guard let inbound = open.inbound else { return }
        for _ in 0..<open.receiveBatch where open.wantsToRead {
            do {
                guard case .processed(let reception) = try open.socket.receive(limits: open.limits) else { return }
                guard case .message(let message) = reception else {
                    inbound.refuseOverLimit()
                    continue
                }
                if let lane = open.priority, lane.takes(message) {
                    _ = lane.buffer.push(message)
                } else {
                    _ = inbound.push(message)
                }
            } catch {
                inbound.finish()
                open.priority?.buffer.finish()
                return
            }
        }
    }

    /// Reports a peer's first handshake failure since opening or since its last success.
    private func report(_ outcomes: [SocketMonitor.Outcome], of open: OpenSocket) {
        for outcome in outcomes {
            switch outcome {
            case .succeeded(let endpoint):
                open.failingPeers.remove(endpoint)
            case .failed(let endpoint, let failure):
                if open.failingPeers.insert(endpoint).inserted {
                    security.report(.handshakeFailed(endpoint: endpoint, failure))
                }
            }
        }
    }

    private func expireDeadlines() {
        let now = ContinuousClock.now
        for open in sockets.values {
            for expired in open.pending.removeExpired(now: now) {
                expired.continuation.resume(
                    throwing: ActorsError(.deadlineExceeded, "the socket stayed unwritable (HWM reached or no peer)"))
            }
        }
    }

    private func close(_ open: OpenSocket, failing error: ActorsError) {
        for parked in open.pending.removeAll() { parked.continuation.resume(throwing: error) }
        open.inbound?.finish()
        open.priority?.buffer.finish()
        open.socket.close()
        open.monitor?.close()
    }

    private func tearDown() {
        let stopped = ActorsError(.loopStopped, "the I/O loop has shut down")
        for open in sockets.values { close(open, failing: stopped) }
        sockets = [:]
        zapHandler?.close()
        zapHandler = nil
        for command in inbox.stop() {
            if case .shutdown(let continuation) = command {
                shutdownWaiters.append(continuation)
            } else {
                command.reject()
            }
        }
        context.terminate()
        inbox.wakeUp.close()
        security.finish()
        for waiter in shutdownWaiters { waiter.resume() }
    }
}
