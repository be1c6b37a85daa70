import FedzProtocol

/// The federated protocol's message kinds (docs/PROTOCOL.md lists each with its body).
extension MessageKind {
    /// Node → coordinator: a node and the clients it hosts. Repeated until welcomed.
    public static let hello = MessageKind("hello")
    /// Coordinator → node topic: the hello of this incarnation was registered.
    public static let welcome = MessageKind("welcome")
    /// Node → coordinator: still alive. Coordinator → round topic: still alive, with its
    /// `CoordinatorStatus` (round, production and candidate versions).
    public static let heartbeat = MessageKind("heartbeat")
    /// Coordinator → node topic: you are unknown here (e.g. after a coordinator restart); say hello again.
    public static let rejoin = MessageKind("rejoin")
    /// Coordinator → all: a round is open; re-broadcast until it closes.
    public static let roundStart = MessageKind("round_start")
    /// Coordinator → all (or one node topic): a global model version and its weights.
    public static let model = MessageKind("model")
    /// Node → coordinator: which model does this federation train? Sent by a node started
    /// without a model, before its hello; answered with `model_definition`.
    public static let definitionRequest = MessageKind("definition_request")
    /// Coordinator → node topic: the federation's architecture and, for one defined in a file,
    /// the definition itself (`ModelDefinitionBody`).
    public static let modelDefinition = MessageKind("model_definition")
    /// Node → coordinator: please (re)send this model version to me.
    public static let modelRequest = MessageKind("model_request")
    /// Node → coordinator: one client's update (tensor frames hold the weight delta).
    public static let update = MessageKind("update")
    /// Node → coordinator: a client could not train; counted, not aggregated.
    public static let trainingFailed = MessageKind("training_failed")
    /// Coordinator → metrics topic: the outcome of a round.
    public static let roundResult = MessageKind("round_result")
    /// Node → coordinator: the newest version's loss and accuracy on each client's held-out samples.
    public static let evaluationReport = MessageKind("evaluation_report")
    /// Node → coordinator: accuracy of the served model(s) on a fresh batch of field data.
    public static let fieldReport = MessageKind("field_report")
    /// Coordinator → metrics topic: a node's field report, republished for the monitor.
    public static let fieldMetrics = MessageKind("field_metrics")
    /// Monitor → coordinator: drift was detected; retrain from production on recent data.
    public static let retrainRequest = MessageKind("retrain_request")
    /// Monitor → its alert topic: a drift alert, for anyone who listens.
    public static let driftAlert = MessageKind("drift_alert")
    /// Admin → coordinator: promote a version to production, or roll production back
    /// (`fedz models promote|rollback --coordinator-pull …`).
    public static let productionChange = MessageKind("production_change")
    /// Coordinator → the admin's node topic: what a `production_change` did, or why it did nothing.
    public static let productionChanged = MessageKind("production_changed")
}

extension MessageKind {
    /// Whether a message of this kind tells the coordinator its sender is alive: every kind but
    /// the one-off `production_change` of an operator and `definition_request` of a node that
    /// has not joined yet, neither of whom is a member of the federation.
    public var isSignOfLife: Bool { self != .productionChange && self != .definitionRequest }
}
