/// A PUB/SUB topic: a versioned string that ends in `/`, so that `node/7/` never
/// prefix-matches `node/70/`.
public struct Topic: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Every fedz topic starts with this prefix; the number is the protocol version.
    public static let prefix = "fedz/\(WireFormat.protocolVersion)/"

    /// Round starts, re-broadcast until the round closes.
    public static let round = Topic(rawValue: prefix + "round/")
    /// New global model versions.
    public static let model = Topic(rawValue: prefix + "model/")
    /// Round results and other metrics, for the monitor and dashboards.
    public static let metrics = Topic(rawValue: prefix + "metrics/")
    /// Drift alerts, published by the monitor on its own PUB socket for anyone.
    public static let driftAlert = Topic(rawValue: prefix + "alert/drift/")
    /// Messages pushed to the coordinator (PUSH/PULL carries a topic frame too, so
    /// every message has the same framing).
    public static let report = Topic(rawValue: prefix + "report/")
    /// Small messages pushed to the coordinator that carry liveness and requests (hello,
    /// heartbeat, model and retrain requests, field reports): senders push them on a socket of
    /// their own and the coordinator reads them on a priority lane, so that they never wait
    /// behind updates.
    public static let control = Topic(rawValue: prefix + "control/")

    /// Messages addressed to one node.
    public static func node(_ id: String) -> Topic { Topic(rawValue: prefix + "node/\(id)/") }

    public var description: String { rawValue }
}
