import Actors
import Federation
import FedzProtocol
import Learning

/// What a device worker needs, independent of where the values came from.
struct NodeSettings: Sendable {
    var id: String
    /// The coordinator's PUB endpoint, to subscribe to.
    var coordinatorPublish: String
    /// The coordinator's PULL endpoint, to push to.
    var coordinatorPull: String
    /// Where hellos, heartbeats and requests go: the coordinator's control socket, or its PULL endpoint.
    var coordinatorControl: String
    var model: String
    var heartbeatInterval: Duration
    /// Silent intervals after which the coordinator is considered gone.
    var heartbeatLiveness: Int
    /// Exit when this process is no longer the parent (set by `fedz run`).
    var parent: Int32?
    /// CURVE client settings; nil for plain text.
    var curve: CurveSettings?
    /// Faults to inject into this node's messages (none by default).
    var faultPlan: FaultPlan
    /// Seconds between field reports, each on `fieldBatch` fresh samples.
    var fieldInterval: Duration
    var fieldBatch: Int
    /// Drift to inject, when this node is among the drifting ones.
    var drift: DriftSpec?
    /// The other data set a `swap` drift draws from, loaded at start.
    var driftReplacement: LabeledData?
    /// How this node corrupts its updates, for robustness experiments; nil when honest.
    var byzantine: ByzantineBehavior?
}
