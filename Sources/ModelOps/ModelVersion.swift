import Foundation

/// What training knows about a version when it registers it.
public struct TrainingMetrics: Sendable, Equatable, Codable {
    /// Accuracy on the held-out test set, in [0, 1].
    public var testAccuracy: Double?
    /// Loss on the held-out test set (or the round's mean training loss).
    public var loss: Double?
    /// Clients whose updates were aggregated into the version.
    public var participants: Int?

    /// Metrics with these values; unknown ones stay nil.
    public init(testAccuracy: Double? = nil, loss: Double? = nil, participants: Int? = nil) {
        self.testAccuracy = testAccuracy
        self.loss = loss
        self.participants = participants
    }
}

/// A version about to be registered: everything but its number, hash and time.
public struct VersionDraft: Sendable, Equatable {
    /// The version it was trained from (nil for a first, freshly initialised model).
    public var parent: Int?
    /// The round that produced it.
    public var round: Int
    /// The model architecture's name (`mlp`, `cnn`, …).
    public var architecture: String
    /// The aggregation strategy (`fedavg`, …).
    public var strategy: String
    /// The training configuration as JSON text.
    public var config: String
    /// Metrics known at registration.
    public var metrics: TrainingMetrics

    /// A draft with these facts; `config` must be JSON text.
    public init(
        parent: Int?, round: Int, architecture: String, strategy: String, config: String = "{}",
        metrics: TrainingMetrics = TrainingMetrics()
    ) {
        self.parent = parent
        self.round = round
        self.architecture = architecture
        self.strategy = strategy
        self.config = config
        self.metrics = metrics
    }
}

/// A registered global model version: the draft it was registered from (whose fields read
/// through, as in `version.round`), its number, hash and time.
@dynamicMemberLookup
public struct ModelVersion: Sendable, Equatable, Identifiable {
    /// The version number: 1, 2, 3, … in registration order, never reused.
    public var number: Int
    /// What training registered: parent, round, architecture, strategy, config, metrics.
    public var draft: VersionDraft
    /// SHA-256 (hex) of the weights' artifact file, which is named after it.
    public var hash: String
    /// When it was registered.
    public var registeredAt: Date

    /// The version number.
    public var id: Int { number }

    /// The draft's fields.
    public subscript<Value>(dynamicMember field: KeyPath<VersionDraft, Value>) -> Value { draft[keyPath: field] }
}
