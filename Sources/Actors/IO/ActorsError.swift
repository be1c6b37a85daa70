/// A failure of the actor runtime itself (as opposed to a libzmq call, see `ZMQError`).
public struct ActorsError: Error, CustomStringConvertible, Sendable {
    /// What went wrong; open for new codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The I/O loop has shut down; no socket of it can be used any more.
        public static let loopStopped = Code("loopStopped")
        /// The socket was closed.
        public static let socketClosed = Code("socketClosed")
        /// A bounded wait (for example a send parked at the high-water mark) ran out of time.
        public static let deadlineExceeded = Code("deadlineExceeded")
        /// A call came in an order the runtime refuses, e.g. an authenticator installed after a
        /// CURVE server socket was already accepting clients.
        public static let misconfigured = Code("misconfigured")
    }

    public var code: Code
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
