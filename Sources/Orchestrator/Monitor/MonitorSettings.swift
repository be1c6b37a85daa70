import Actors
import FedzProtocol
import Foundation
import ModelOps

/// What a `Monitor` needs to run.
struct MonitorSettings: Sendable {
    /// The coordinator's PUB endpoint (metrics and status).
    var coordinatorPublish: String
    /// The coordinator's PULL endpoint (heartbeats and retrain requests).
    var coordinatorPull: String
    /// Where the monitor's own PUB binds (drift alerts).
    var alertsEndpoint: String
    /// The state directory holding the registry.
    var stateDirectory: URL
    /// Seconds between the monitor's heartbeats (and registry refreshes).
    var heartbeatInterval: Duration
    /// Detector settings.
    var detection = DriftMonitor.Configuration()
    /// CURVE towards the coordinator (client role); nil: plain text.
    var coordinatorCurve: CurveSettings?
    /// CURVE for the alert PUB (server role, any client key); nil: plain text.
    var alertsCurve: CurveSettings?
}
