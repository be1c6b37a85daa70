import CZMQ

extension ZMQSocket {
    /// Sets every option fedz relies on explicitly, so no libzmq default (LINGER forever,
    /// unbounded message size) leaks in.
    func apply(_ settings: SocketSettings, kind: SocketKind) throws(ZMQError) {
        try setOption(ZMQ_LINGER, Int32(clamping: settings.linger.roundedUpMilliseconds), "ZMQ_LINGER")
        try setOption(ZMQ_SNDHWM, settings.sendHighWaterMark, "ZMQ_SNDHWM")
        try setOption(ZMQ_RCVHWM, settings.receiveHighWaterMark, "ZMQ_RCVHWM")
        try setOption(ZMQ_MAXMSGSIZE, settings.maxMessageSize, "ZMQ_MAXMSGSIZE")
        if kind.connects {
            try setOption(ZMQ_IMMEDIATE, Int32(settings.immediate ? 1 : 0), "ZMQ_IMMEDIATE")
        }
    }

    /// Subscribes to messages whose first frame starts with `topic`.
    func subscribe(_ topic: String) throws(ZMQError) {
        let bytes = Array(topic.utf8)
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, ZMQ_SUBSCRIBE, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw ZMQError.last("zmq_setsockopt(ZMQ_SUBSCRIBE, \(topic))") }
    }

    /// The endpoint actually bound (`ZMQ_LAST_ENDPOINT`), with the resolved port.
    func lastEndpoint() throws(ZMQError) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else {
            throw ZMQError.last("zmq_getsockopt(ZMQ_LAST_ENDPOINT)")
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func setOption<Value: FixedWidthInteger>(
        _ option: Int32, _ value: Value, _ name: String
    ) throws(ZMQError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Value>.size) == 0 else {
            throw ZMQError.last("zmq_setsockopt(\(name))")
        }
    }

    /// Sets a string option (without a terminating NUL); `name` is used in errors, never the value.
    func setOption(_ option: Int32, text: String, _ name: String) throws(ZMQError) {
        let bytes = Array(text.utf8)
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw ZMQError.last("zmq_setsockopt(\(name))") }
    }
}

extension SocketKind {
    /// Connecting roles get `ZMQ_IMMEDIATE`: no queueing towards peers that are not connected.
    var connects: Bool { self == .push || self == .subscribe }
}

extension Duration {
    /// Whole milliseconds, rounded up, never negative (libzmq option and poll units).
    var roundedUpMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 && attoseconds >= 0 else { return 0 }
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return .max }
        return milliseconds + (attoseconds + perMillisecond - 1) / perMillisecond
    }
}
