/// The `global` stream's pending batch of field reports: at most one per node.
struct ReportBatch: Sendable {
    private var reports: [String: FieldReport] = [:]

    /// Whether `node` already reported into this batch.
    func contains(_ node: String) -> Bool { reports[node] != nil }

    mutating func add(_ report: FieldReport) {
        reports[report.node] = report
    }

    /// Empties the batch; returns its sample-weighted accuracy (nil if it held no samples).
    mutating func close() -> Double? {
        defer { reports = [:] }
        return FieldAccuracy.Share(reports.keys.sorted().compactMap { reports[$0] })?.accuracy
    }
}
