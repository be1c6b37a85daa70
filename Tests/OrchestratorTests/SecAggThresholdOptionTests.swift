import Testing

@testable import Orchestrator

/// `--secagg-threshold` refuses, when it is parsed, a threshold of half a neighbourhood or less.
@Suite struct SecAggThresholdOptionTests {
    @Test(arguments: [
        (["--secagg-threshold", "0.5"], true), (["--secagg-threshold", "0.75"], true),
        (["--secagg-threshold", "0.49"], false), (["--secagg-threshold", "0.2"], false),
        // K = 14: neighbourhoods of 15, so at least 8.
        (["--secagg-threshold", "8"], true), (["--secagg-threshold", "7"], false),
        // K = 3 is rounded up to 4: neighbourhoods of 5, so at least 3.
        (["--secagg-neighbours", "3", "--secagg-threshold", "3"], true),
        (["--secagg-neighbours", "3", "--secagg-threshold", "2"], false),
        ([], true),
    ] as [([String], Bool)])
    func thresholdsMustBeMoreThanHalfTheNeighbourhood(_ arguments: [String], accepted: Bool) {
        let parsed = (try? PrivacyOptions.parse(["--secure-aggregation"] + arguments)) != nil
        #expect(parsed == accepted, "\(arguments)")
    }
}
