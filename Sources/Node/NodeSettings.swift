import Actors
import Federation
import Learning

/// What a device worker needs, independent of where the values came from.
struct NodeSettings: Sendable {
    var id: String
    /// The coordinator's PUB endpoint, to subscribe to.
    var coordinatorPublish: String
    /// The coordinator's PULL endpoint, to push to.
    var coordinatorPull: String
    var model: String
    var heartbeatInterval: Duration
    /// Exit when this process is no longer the parent (set by `fedz run`).
    var parent: Int32?
    /// CURVE client settings; nil for plain text.
    var curve: CurveSettings?
    /// How this node corrupts its updates, for robustness experiments; nil when honest.
    var byzantine: ByzantineBehavior?
}

/// One virtual client hosted by a node: its id and its local data, which never
/// leaves the node.
struct LocalClient: Sendable {
    var id: Int
    var data: LabeledData
}
