import FedzProtocol

/// The coordinator's collection of federated evaluations, as a pure state machine: each node's
/// `evaluation_report` for a version is taken once, only for clients the node hosts, and a
/// version's summary is ready when every node expected to evaluate it has reported.
public struct FederatedEvaluation: Sendable {
    /// Evaluations by version, then by client.
    private var evaluations: [Int: [Int: EvaluationReport.Client]] = [:]
    /// The nodes that reported each version.
    private var reporters: [Int: Set<String>] = [:]
    /// Versions below this are summarised and forgotten; reports for them are stale.
    private var oldest = 1

    public init() {}

    /// Takes `report` from `node`, which must host each client it names (`hosts`); a report for
    /// a version already summarised is stale, and a second report from the same node a duplicate.
    public mutating func onReport(
        _ report: EvaluationReport, from node: String, hosts: (Int) -> Bool
    ) throws(WireError) {
        try report.validate()
        guard report.version >= oldest else { throw WireError(.staleUpdate, "evaluation of version \(report.version), already summarised") }
        guard !(reporters[report.version]?.contains(node) ?? false) else {
            throw WireError(.duplicate, "a second evaluation of version \(report.version) from \(node)")
        }
        for entry in report.clients where !hosts(entry.client) {
            throw WireError(.unexpected, "\(node) reports an evaluation for client \(entry.client), which it does not host")
        }
        reporters[report.version, default: []].insert(node)
        for entry in report.clients { evaluations[report.version, default: [:]][entry.client] = entry }
    }

    /// Whether every node of `expected` has reported `version`.
    public func isComplete(_ version: Int, expected: Set<String>) -> Bool {
        expected.isSubset(of: reporters[version] ?? [])
    }

    /// The summary of `version` so far (nil when no client reported), which is then forgotten
    /// with every older version.
    public mutating func close(_ version: Int) -> EvaluationSummary? {
        let summary = EvaluationSummary(Array((evaluations[version] ?? [:]).values).sorted { $0.client < $1.client })
        oldest = max(oldest, version + 1)
        evaluations = evaluations.filter { $0.key >= oldest }
        reporters = reporters.filter { $0.key >= oldest }
        return summary
    }
}
