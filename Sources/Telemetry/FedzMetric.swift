/// Every metric a fedz process exposes: its Prometheus name and help text. One catalog, so
/// that a name means the same in the coordinator, the monitor and the nodes.
public enum FedzMetric: String, CaseIterable, Sendable {
    case roundsCompleted = "fedz_rounds_completed_total"
    case roundParticipants = "fedz_round_participants"
    case roundPhaseSeconds = "fedz_round_phase_seconds"
    case testAccuracy = "fedz_test_accuracy_ratio"
    case testLoss = "fedz_test_loss"
    case federatedAccuracy = "fedz_federated_accuracy_ratio"
    case federatedLoss = "fedz_federated_loss"
    case trainLoss = "fedz_train_loss"
    case fieldAccuracy = "fedz_field_accuracy_ratio"
    case liveNodes = "fedz_live_nodes"
    case registeredClients = "fedz_registered_clients"
    case productionVersion = "fedz_production_version"
    case driftAlerts = "fedz_drift_alerts_total"
    case openAlerts = "fedz_drift_alerts_open"
    case messagesSent = "fedz_messages_sent_total"
    case messagesReceived = "fedz_messages_received_total"
    case bytesSent = "fedz_sent_bytes_total"
    case bytesReceived = "fedz_received_bytes_total"
    case messagesRejected = "fedz_messages_rejected_total"
    case messagesDropped = "fedz_messages_dropped_total"

    /// The `# HELP` text.
    public var help: String {
        switch self {
        case .roundsCompleted: "Federated rounds completed (aggregated and evaluated)."
        case .roundParticipants: "Clients whose updates the latest round aggregated."
        case .roundPhaseSeconds: "Seconds each round spent per phase: broadcast, training, collection, aggregation, recording (these sum to the round), handling (updates, during collection), evaluation (test set, during the next round)."
        case .testAccuracy: "Test-set accuracy of the latest global model, 0 to 1."
        case .testLoss: "Test-set loss of the latest global model."
        case .federatedAccuracy: "Accuracy of the latest evaluated global model on the clients' held-out samples (sample-weighted over the clients that reported; by quantile: 0 the worst client, 0.5 the median, 1 the best), 0 to 1."
        case .federatedLoss: "Loss of the latest evaluated global model on the clients' held-out samples, sample-weighted."
        case .trainLoss: "Sample-weighted training loss the latest round's clients reported."
        case .fieldAccuracy: "Latest field accuracy (served model on fresh local data), 0 to 1."
        case .liveNodes: "Nodes the coordinator currently considers alive."
        case .registeredClients: "Clients hosted by the live nodes."
        case .productionVersion: "The model version in production (0: none yet)."
        case .driftAlerts: "Drift alerts raised."
        case .openAlerts: "Drift alerts not yet resolved."
        case .messagesSent: "Messages handed to ZeroMQ sockets."
        case .messagesReceived: "Messages received from ZeroMQ sockets."
        case .bytesSent: "Bytes of the frames of the messages sent (before CURVE encryption)."
        case .bytesReceived: "Bytes of the frames of the messages received (after CURVE decryption)."
        case .messagesRejected: "Received messages rejected by the wire layer or the protocol, by reason."
        case .messagesDropped: "Messages given up before sending, by reason (send_timeout: no room before the deadline)."
        }
    }
}
