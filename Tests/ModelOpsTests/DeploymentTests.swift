import Testing

@testable import ModelOps

@Suite struct DeploymentTests {
    @Test func firstVersionGoesStraightToProduction() {
        var deployment = Deployment()
        #expect(deployment.onNewVersion(1) == .promote(version: 1, reason: "first version", fieldAccuracy: nil))
        #expect(deployment.production == 1)
        #expect(deployment.onNewVersion(2) == .evaluate(version: 2))
        #expect(deployment.candidate == 2)
    }

    @Test func candidateIsPromotedOnlyAfterEnoughBetterPairedReports() {
        var deployment = Deployment(production: 1, minimumReports: 3, margin: 0.01)
        _ = deployment.onNewVersion(2)
        for _ in 0..<2 {
            #expect(deployment.onFieldReport(production: 1, productionAccuracy: 0.5, candidate: 2, candidateAccuracy: 0.9, samples: 200) == nil)
        }
        let decision = deployment.onFieldReport(
            production: 1, productionAccuracy: 0.5, candidate: 2, candidateAccuracy: 0.9, samples: 200)
        #expect(decision == .promote(
            version: 2, reason: "field accuracy 90.0 % vs production's 50.0 % on 600 samples", fieldAccuracy: 0.9))
        #expect(deployment.production == 2 && deployment.candidate == nil)
    }

    @Test func aWorseOrEqualCandidateStaysACandidate() {
        var deployment = Deployment(production: 1, minimumReports: 2, margin: 0.01)
        _ = deployment.onNewVersion(2)
        for _ in 0..<50 {
            #expect(deployment.onFieldReport(production: 1, productionAccuracy: 0.95, candidate: 2, candidateAccuracy: 0.955, samples: 200) == nil)
        }
        #expect(deployment.production == 1 && deployment.candidate == 2)
    }

    @Test func reportsAboutOtherVersionsAreIgnoredAndANewCandidateStartsAfresh() {
        var deployment = Deployment(production: 1, minimumReports: 2, margin: 0)
        _ = deployment.onNewVersion(2)
        #expect(deployment.onFieldReport(production: 1, productionAccuracy: 0.1, candidate: 7, candidateAccuracy: 1, samples: 200) == nil)
        #expect(deployment.onFieldReport(production: 3, productionAccuracy: 0.1, candidate: 2, candidateAccuracy: 1, samples: 200) == nil)
        #expect(deployment.onFieldReport(production: 1, productionAccuracy: 0.1, candidate: 2, candidateAccuracy: 1, samples: 200) == nil)
        _ = deployment.onNewVersion(3)
        #expect(deployment.onFieldReport(production: 1, productionAccuracy: 0.1, candidate: 3, candidateAccuracy: 1, samples: 200) == nil,
                "the count restarted for version 3")
    }

    @Test func underTheManualPolicyOnlyTheFirstVersionIsPromotedWithoutAnAdmin() {
        var deployment = Deployment(policy: .manual, minimumReports: 1, margin: 0)
        #expect(deployment.onNewVersion(1) == .promote(version: 1, reason: "first version", fieldAccuracy: nil))
        #expect(deployment.onNewVersion(2) == .evaluate(version: 2))
        for _ in 0..<10 {
            #expect(deployment.onFieldReport(production: 1, productionAccuracy: 0.1, candidate: 2, candidateAccuracy: 1, samples: 200) == nil)
        }
        #expect(deployment.production == 1 && deployment.candidate == 2, "a far better candidate waits for an admin")
        deployment.promote(2)
        #expect(deployment.production == 2 && deployment.candidate == nil)
    }
}
