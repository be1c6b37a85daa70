import FedzProtocol
import Testing

@testable import Federation

/// The coordinator's collection of the nodes' evaluations: each report taken once, only for
/// clients its node hosts, summarised sample-weighted with the spread across clients.
@Suite struct FederatedEvaluationTests {
    static func client(_ id: Int, _ samples: Int, accuracy: Double, loss: Double = 0.5) -> EvaluationReport.Client {
        EvaluationReport.Client(client: id, samples: samples, loss: loss, accuracy: accuracy)
    }

    private func reason(_ check: () throws(WireError) -> Void) -> WireError.Reason? {
        do throws(WireError) {
            try check()
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func theSummaryIsSampleWeightedWithTheClientsSpread() throws {
        var collection = FederatedEvaluation()
        try collection.onReport(
            EvaluationReport(version: 3, clients: [Self.client(0, 10, accuracy: 0.5, loss: 1), Self.client(2, 30, accuracy: 0.9, loss: 0.2)]),
            from: "node-0", hosts: { [0, 2].contains($0) })
        #expect(!collection.isComplete(3, expected: ["node-0", "node-1"]))
        try collection.onReport(
            EvaluationReport(version: 3, clients: [Self.client(1, 60, accuracy: 0.8, loss: 0.4)]), from: "node-1", hosts: { $0 == 1 })
        #expect(collection.isComplete(3, expected: ["node-0", "node-1"]))
        let closed = collection.close(3)
        let summary = try #require(closed)
        #expect(summary.clients == 3 && summary.samples == 100)
        #expect(abs(summary.accuracy - (0.5 * 10 + 0.9 * 30 + 0.8 * 60) / 100) < 1e-12)
        #expect(abs(summary.loss - (1 * 10 + 0.2 * 30 + 0.4 * 60) / 100) < 1e-12)
        #expect(summary.minimum == 0.5 && summary.median == 0.8 && summary.maximum == 0.9)
        // An even number of clients: the median is the mean of the middle two.
        #expect(EvaluationSummary([Self.client(0, 1, accuracy: 0.2), Self.client(1, 1, accuracy: 0.6)])?.median == 0.4)
        #expect(EvaluationSummary([]) == nil)
    }

    @Test func aReportIsTakenOnceOnlyForHostedClientsAndNotAfterItsVersionClosed() throws {
        var collection = FederatedEvaluation()
        let report = EvaluationReport(version: 4, clients: [Self.client(5, 10, accuracy: 0.7)])
        #expect(reason { () throws(WireError) in try collection.onReport(report, from: "node-0", hosts: { _ in false }) } == .unexpected)
        try collection.onReport(report, from: "node-0", hosts: { $0 == 5 })
        #expect(reason { () throws(WireError) in try collection.onReport(report, from: "node-0", hosts: { $0 == 5 }) } == .duplicate)
        let closed = collection.close(4)
        #expect(closed?.clients == 1)
        let late = EvaluationReport(version: 4, clients: [Self.client(6, 10, accuracy: 0.7)])
        #expect(reason { () throws(WireError) in try collection.onReport(late, from: "node-1", hosts: { _ in true }) } == .staleUpdate)
        let empty = collection.close(5)
        #expect(empty == nil, "no client reported version 5")
    }

    @Test(arguments: [
        (EvaluationReport(version: 0, clients: [client(1, 10, accuracy: 0.5)]), WireError.Reason.outOfRange),
        (EvaluationReport(version: 2, clients: []), .outOfRange),
        (EvaluationReport(version: 2, clients: [client(1, 0, accuracy: 0.5)]), .outOfRange),
        (EvaluationReport(version: 2, clients: [client(1, 10, accuracy: 1.5)]), .outOfRange),
        (EvaluationReport(version: 2, clients: [client(1, 10, accuracy: .nan)]), .outOfRange),
        (EvaluationReport(version: 2, clients: [client(1, 10, accuracy: 0.5, loss: .infinity)]), .outOfRange),
        (EvaluationReport(version: 2, clients: [client(1, 10, accuracy: 0.5, loss: -1)]), .outOfRange),
        (EvaluationReport(version: 2, clients: [client(-1, 10, accuracy: 0.5)]), .outOfRange),
        (EvaluationReport(version: 2, clients: [client(1, 10, accuracy: 0.5), client(1, 5, accuracy: 0.5)]), .badBody),
    ])
    func aReportOutsideItsBoundsIsRefused(_ report: EvaluationReport, expected: WireError.Reason) {
        var collection = FederatedEvaluation()
        #expect(reason { () throws(WireError) in try collection.onReport(report, from: "node-0", hosts: { _ in true }) } == expected)
        let closed = collection.close(report.version)
        #expect(closed == nil, "nothing of a refused report is kept")
    }
}
