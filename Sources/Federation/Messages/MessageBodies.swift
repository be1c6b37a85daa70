import Learning

/// A client hosted by a node, with the size of its local data set.
public struct ClientInfo: Codable, Sendable, Equatable {
    public var id: Int
    public var samples: Int
    /// Samples the client holds out for federated evaluation, never trained on (absent: none).
    public var heldOut: Int?

    public init(id: Int, samples: Int, heldOut: Int? = nil) {
        self.id = id
        self.samples = samples
        self.heldOut = heldOut
    }
}

/// Body of `hello`.
public struct Hello: Codable, Sendable, Equatable {
    public var clients: [ClientInfo]
    /// The model architecture the node can train (`mlp`, …).
    public var architecture: String

    public init(clients: [ClientInfo], architecture: String) {
        self.clients = clients
        self.architecture = architecture
    }
}

/// Body of `welcome`: echoes the incarnation that was registered.
public struct Welcome: Codable, Sendable, Equatable {
    public var incarnation: UInt64

    public init(incarnation: UInt64) { self.incarnation = incarnation }
}

/// Body of messages that carry nothing but their header (`heartbeat`, `rejoin`).
public struct Empty: Codable, Sendable, Equatable {
    public init() {}
}

/// Body of `round_start`.
public struct RoundStart: Codable, Sendable, Equatable {
    public var round: Int
    public var modelVersion: Int
    /// Content hash of the model version to train (see `ModelCodec.contentHash`).
    public var modelHash: String
    /// Node id → the ids of its clients sampled for this round.
    public var assignments: [String: [Int]]
    public var training: TrainingConfig
    /// Seconds from the round's start until the coordinator stops waiting.
    public var deadlineSeconds: Double
    /// Clients whose update (or failure) the coordinator already holds: the
    /// acknowledgement nodes use to re-send reports that were lost. In a secure round,
    /// the clients whose public keys it holds.
    public var answered: [Int]
    /// Present when the round aggregates by SecAgg+: its parameters; `round` is the session.
    public var secureAggregation: SecAggConfig?
    /// With `secureAggregation` and without `privacy`: Σ samples of the sampled clients,
    /// as their hellos declared them. A client weighs its delta by samples / sampleTotal.
    public var sampleTotal: Int?
    /// Present when clients clip (and perhaps noise) their updates for differential privacy.
    public var privacy: DifferentialPrivacy?

    public init(
        round: Int, modelVersion: Int, modelHash: String, assignments: [String: [Int]],
        training: TrainingConfig, deadlineSeconds: Double, answered: [Int] = [],
        secureAggregation: SecAggConfig? = nil, sampleTotal: Int? = nil, privacy: DifferentialPrivacy? = nil
    ) {
        self.round = round
        self.modelVersion = modelVersion
        self.modelHash = modelHash
        self.assignments = assignments
        self.training = training
        self.deadlineSeconds = deadlineSeconds
        self.answered = answered
        self.secureAggregation = secureAggregation
        self.sampleTotal = sampleTotal
        self.privacy = privacy
    }
}

/// Body of `model`; the weights travel as tensor frames named by the architecture's
/// parameter specs.
public struct ModelAnnouncement: Codable, Sendable, Equatable {
    public var architecture: String
    public var hash: String

    public init(architecture: String, hash: String) {
        self.architecture = architecture
        self.hash = hash
    }
}

/// Body of `model_request`.
public struct ModelRequest: Codable, Sendable, Equatable {
    public var version: Int

    public init(version: Int) { self.version = version }
}

/// Body of `update`; the tensor frames hold the client's weight delta
/// (local weights minus the global weights it started from).
public struct UpdateReport: Codable, Sendable, Equatable {
    public var client: Int
    public var samples: Int
    public var trainLoss: Double
    /// Content hash of the delta (see `ModelCodec.contentHash`), so that a damaged
    /// update is refused rather than aggregated.
    public var hash: String

    public init(client: Int, samples: Int, trainLoss: Double, hash: String) {
        self.client = client
        self.samples = samples
        self.trainLoss = trainLoss
        self.hash = hash
    }
}

/// Body of `training_failed`.
public struct TrainingFailure: Codable, Sendable, Equatable {
    public var client: Int
    public var reason: String

    public init(client: Int, reason: String) {
        self.client = client
        self.reason = reason
    }
}

/// Body of `round_result`, also one entry of the run summary's `rounds`.
public struct RoundResult: Codable, Sendable, Equatable {
    public var round: Int
    public var modelVersion: Int
    public var participants: Int
    public var sampled: Int
    public var trainLoss: Double
    public var testLoss: Double
    public var testAccuracy: Double
    public var seconds: Double
    /// Under differential privacy: ε spent so far, at the configured δ, against an observer of
    /// the released models (amplified by the Poisson sampling).
    public var epsilon: Double?
    /// Under differential privacy: ε against an observer who also knows every round's sample,
    /// as the federation's nodes do (no amplification; see `PrivacyBudget`).
    public var epsilonKnownSample: Double?
    /// In a secure round: seconds each SecAgg+ stage took, by stage name.
    public var stageSeconds: [String: Double]?
    /// Seconds in each phase of the round, as the coordinator measured them.
    public var phases: RoundPhaseSeconds?
    /// For a prototype model: the test set's quantisation error (then also `testLoss`).
    public var quantizationError: Double?
    /// For a self-organising map: the test set's topographic error.
    public var topographicError: Double?
    /// The version evaluated by the nodes on their clients' held-out samples, when any reported.
    public var federated: EvaluationSummary?
    /// Whether `testLoss` and `testAccuracy` come from the coordinator's test set, else from
    /// the federated evaluation.
    public var centralTest: Bool?

    public init(
        round: Int, modelVersion: Int, participants: Int, sampled: Int,
        trainLoss: Double, testLoss: Double, testAccuracy: Double, seconds: Double,
        epsilon: Double? = nil, epsilonKnownSample: Double? = nil, stageSeconds: [String: Double]? = nil, phases: RoundPhaseSeconds? = nil,
        quantizationError: Double? = nil, topographicError: Double? = nil
    ) {
        self.round = round
        self.modelVersion = modelVersion
        self.participants = participants
        self.sampled = sampled
        self.trainLoss = trainLoss
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
        self.seconds = seconds
        self.epsilon = epsilon
        self.epsilonKnownSample = epsilonKnownSample
        self.stageSeconds = stageSeconds
        self.phases = phases
        self.quantizationError = quantizationError
        self.topographicError = topographicError
    }

    enum CodingKeys: String, CodingKey {
        case round, participants, sampled, seconds, epsilon
        case epsilonKnownSample = "epsilon_known_sample"
        case stageSeconds = "secagg_stage_seconds"
        case phases = "phase_seconds"
        case modelVersion = "model_version"
        case trainLoss = "train_loss"
        case testLoss = "test_loss"
        case testAccuracy = "test_accuracy"
        case quantizationError = "quantization_error"
        case topographicError = "topographic_error"
        case federated = "federated_evaluation"
        case centralTest = "central_test"
    }
}
