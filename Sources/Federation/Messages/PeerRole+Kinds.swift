import FedzProtocol

extension PeerRole {
    /// The kinds a peer of this role may send the coordinator: a node everything of a node's
    /// life, the monitor its heartbeats and retrain requests, an admin heartbeats and changes
    /// of production.
    public func maySend(_ kind: MessageKind) -> Bool {
        switch self {
        case .node: Self.nodeKinds.contains(kind)
        case .monitor: kind == .heartbeat || kind == .retrainRequest
        case .admin: kind == .heartbeat || kind == .productionChange
        }
    }

    private static let nodeKinds: Set<MessageKind> = [
        .definitionRequest, .hello, .heartbeat, .modelRequest, .update, .trainingFailed, .fieldReport, .evaluationReport,
        .secaggKeys, .secaggShares, .secaggMaskedInput, .secaggReveal,
    ]
}
