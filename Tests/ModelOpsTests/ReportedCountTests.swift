import Foundation
import Testing

@testable import ModelOps

/// Counts that peers report are summed without trapping, whatever they claim: the coordinator
/// and the monitor once stopped on the second of two field reports whose samples summed past
/// `Int.max`.
@Suite struct ReportedCountTests {
    @Test func countsSaturateInsteadOfTrapping() {
        #expect(Int.max.addingCount(1) == .max)
        #expect((Int.max - 5).addingCount(3) == Int.max - 2)
        #expect(7.addingCount(-9) == 7)
    }

    @Test func deploymentSurvivesReportsThatOverflowTheirSampleSum() {
        var deployment = Deployment(production: 1, minimumReports: 2, margin: 0.01)
        _ = deployment.onNewVersion(2)
        #expect(deployment.onFieldReport(
            production: 1, productionAccuracy: 0.5, candidate: 2, candidateAccuracy: 0.9, samples: .max) == nil)
        let decision = deployment.onFieldReport(production: 1, productionAccuracy: 0.5, candidate: 2, candidateAccuracy: 0.9, samples: 1)
        guard case .promote(let version, _, _)? = decision else {
            Issue.record("expected a promotion, got \(String(describing: decision))")
            return
        }
        #expect(version == 2)
    }

    @Test func fieldAccuracyOfOverflowingReportsIsTheWeightedMean() throws {
        let now = Date()
        let reports = [
            FieldReport(version: 1, node: "a", accuracy: 1, samples: .max, time: now),
            FieldReport(version: 1, node: "b", accuracy: 0, samples: .max, time: now),
            FieldReport(version: 1, node: "c", accuracy: 0.3, samples: -50, time: now),
        ]
        let accuracy = try #require(FieldAccuracy(reports))
        #expect(accuracy.overall.samples == .max)
        #expect(abs(accuracy.overall.accuracy - 0.5) < 1e-12)
        #expect(accuracy.nodes["c"] == nil)
    }
}
