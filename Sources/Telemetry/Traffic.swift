import Actors
import FedzProtocol

/// What a process's sockets carried so far, and what it rejected: totals for `MetricsRecorder`.
public struct Traffic: Sendable, Equatable {
    public var messagesSent = 0
    public var messagesReceived = 0
    public var bytesSent = 0
    public var bytesReceived = 0
    /// Sends given up because the socket had no room before the deadline.
    public var sendTimeouts = 0
    /// Rejected messages by reason.
    public var rejected: [String: Int]

    /// The sum of the sockets' counters, with the rejections by reason.
    public init(sockets: [SocketCounters], rejected: [String: Int]) {
        for counters in sockets {
            messagesSent += counters.sent
            messagesReceived += counters.received
            bytesSent += counters.bytesSent
            bytesReceived += counters.bytesReceived
            sendTimeouts += counters.dropped
        }
        self.rejected = rejected
    }
}
