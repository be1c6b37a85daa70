import CZMQ

/// A failed libzmq (or system) call: the errno it reported and the operation that failed.
public struct ZMQError: Error, CustomStringConvertible, Sendable {
    /// The errno value, e.g. `EADDRINUSE`.
    public var code: Int32
    /// What was being done, e.g. `"zmq_bind(tcp://*:7001)"`.
    public var operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The current `zmq_errno()` for `operation`.
    static func last(_ operation: @autoclosure () -> String) -> ZMQError {
        ZMQError(code: zmq_errno(), operation: operation())
    }

    public var description: String {
        "\(operation) failed: \(String(cString: zmq_strerror(code))) (errno \(code))"
    }
}

extension ZMQError {
    var isWouldBlock: Bool { code == fedz_EAGAIN }
    var isInterrupted: Bool { code == fedz_EINTR }
    var isTerminated: Bool { code == fedz_ETERM }
}
