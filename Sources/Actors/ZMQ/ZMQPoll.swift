import CZMQ

/// What to wait for on a socket in `zmq_poll`.
struct PollEvents: OptionSet {
    let rawValue: Int16
    static let readable = PollEvents(rawValue: fedz_POLLIN)
    static let writable = PollEvents(rawValue: fedz_POLLOUT)
}

/// One `zmq_poll` call over a wake-up descriptor and a set of sockets.
struct ZMQPoll {
    private var items: [zmq_pollitem_t] = []

    /// The wake-up descriptor is always item 0, polled for reading.
    init(wakeUp: EventFD, capacity: Int) {
        items.reserveCapacity(capacity + 1)
        items.append(zmq_pollitem_t(socket: nil, fd: wakeUp.descriptor, events: fedz_POLLIN, revents: 0))
    }

    /// Adds a socket; its index in `poll`'s result is the order of `add` calls, starting at 1.
    mutating func add(_ socket: ZMQSocket, events: PollEvents) {
        items.append(zmq_pollitem_t(socket: socket.handle, fd: 0, events: events.rawValue, revents: 0))
    }

    /// Waits until something is ready or `timeoutMilliseconds` pass (-1: no timeout).
    /// Returns false when interrupted (EINTR) or when the context was terminated.
    mutating func poll(timeoutMilliseconds: Int) -> Bool {
        let rc = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
        guard rc >= 0 else {
            let error = ZMQError.last("zmq_poll")
            precondition(error.isInterrupted || error.isTerminated, "\(error)")
            return false
        }
        return true
    }

    var wakeUpIsReadable: Bool { items[0].revents & fedz_POLLIN != 0 }

    /// Readiness of the socket added `index`-th (0-based among sockets).
    func events(ofSocketAt index: Int) -> PollEvents {
        PollEvents(rawValue: items[index + 1].revents)
    }
}
