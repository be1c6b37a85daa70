/// A served model version and its content hash.
public struct ServedModel: Codable, Sendable, Equatable {
    public var version: Int
    public var hash: String

    public init(version: Int, hash: String) {
        self.version = version
        self.hash = hash
    }
}

/// Body of the coordinator's `heartbeat`: what nodes should serve and monitor.
public struct CoordinatorStatus: Codable, Sendable, Equatable {
    /// The latest round started (0 before the first).
    public var round: Int
    /// The version behind the `production` alias: the one nodes serve.
    public var production: ServedModel?
    /// A retrained version under evaluation: nodes report its field accuracy too.
    public var candidate: ServedModel?
    /// The newest version, which nodes holding samples out evaluate on them (`evaluation_report`).
    public var latest: ServedModel?

    public init(round: Int, production: ServedModel?, candidate: ServedModel?, latest: ServedModel? = nil) {
        self.round = round
        self.production = production
        self.candidate = candidate
        self.latest = latest
    }
}

/// Body of `field_report`: accuracy of the served model(s) on one fresh batch of the
/// node's field data.
public struct FieldObservation: Codable, Sendable, Equatable {
    public var version: Int
    public var accuracy: Double
    public var samples: Int
    /// The candidate's version and accuracy on the same batch, when one is deployed.
    public var candidateVersion: Int?
    public var candidateAccuracy: Double?

    public init(version: Int, accuracy: Double, samples: Int, candidateVersion: Int? = nil, candidateAccuracy: Double? = nil) {
        self.version = version
        self.accuracy = accuracy
        self.samples = samples
        self.candidateVersion = candidateVersion
        self.candidateAccuracy = candidateAccuracy
    }
}

/// Body of `field_metrics`: a node's field observation as republished by the coordinator.
public struct FieldMetrics: Codable, Sendable, Equatable {
    public var node: String
    public var round: Int
    public var observation: FieldObservation

    public init(node: String, round: Int, observation: FieldObservation) {
        self.node = node
        self.round = round
        self.observation = observation
    }
}

/// Body of `retrain_request`.
public struct RetrainRequest: Codable, Sendable, Equatable {
    /// The registry id of the alert that asks for retraining.
    public var alert: Int
    public var reason: String

    public init(alert: Int, reason: String) {
        self.alert = alert
        self.reason = reason
    }
}

/// Body of `drift_alert` on the monitor's alert topic.
public struct DriftAlertMessage: Codable, Sendable, Equatable {
    public var id: Int
    public var detector: String
    /// `global` or `node/<id>`.
    public var stream: String
    public var value: Double
    public var baseline: Double
    public var version: Int?
    /// Seconds since the Unix epoch.
    public var time: Double

    public init(id: Int, detector: String, stream: String, value: Double, baseline: Double, version: Int?, time: Double) {
        self.id = id
        self.detector = detector
        self.stream = stream
        self.value = value
        self.baseline = baseline
        self.version = version
        self.time = time
    }
}

/// Body of `production_change`: an operator's request to move the production alias of a
/// running federation. `request` identifies it, so that a request sent again (its answer was
/// lost) is answered again but carried out once.
public struct ProductionChange: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable {
        /// Make `version` production.
        case promote
        /// Return production to the version it had before the current one.
        case rollback
    }

    public var request: UInt64
    public var action: Action
    /// The version to promote; nil for a rollback.
    public var version: Int?
    /// Why, for the alias history.
    public var reason: String

    public init(request: UInt64, action: Action, version: Int? = nil, reason: String) {
        self.request = request
        self.action = action
        self.version = version
        self.reason = reason
    }
}

/// Body of `production_changed`: the answer to the `production_change` numbered `request`.
public struct ProductionChangeResult: Codable, Sendable, Equatable {
    public var request: UInt64
    /// Production before and after; both nil when the change was refused.
    public var previous: Int?
    public var production: Int?
    /// Why nothing changed, when nothing did.
    public var refusal: String?

    public init(request: UInt64, previous: Int? = nil, production: Int? = nil, refusal: String? = nil) {
        self.request = request
        self.previous = previous
        self.production = production
        self.refusal = refusal
    }
}
