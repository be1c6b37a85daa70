import ArgumentParser

/// Liveness flags shared by the coordinator and the nodes: each side heartbeats every
/// interval and considers the other gone after `liveness` silent intervals.
public struct HeartbeatOptions: ParsableArguments, Sendable {
    @Option(help: "Seconds between heartbeats.")
    public var heartbeatInterval = 1.0

    @Option(help: "Silent heartbeat intervals after which a peer is considered gone.")
    public var heartbeatLiveness = 3

    public init() {}

    public func validate() throws {
        guard heartbeatInterval > 0, heartbeatLiveness > 0 else {
            throw ValidationError("--heartbeat-interval and --heartbeat-liveness must be positive")
        }
    }

    public var interval: Duration { .seconds(heartbeatInterval) }

    /// These options as command-line arguments, to hand them on to a child process.
    public var arguments: [String] {
        ["--heartbeat-interval", "\(heartbeatInterval)", "--heartbeat-liveness", "\(heartbeatLiveness)"]
    }
}
