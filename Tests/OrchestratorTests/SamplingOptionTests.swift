import Federation
import Testing

@testable import Orchestrator

/// `--sampling` as `fedz run` and `fedz coordinator` take it and hand it on.
@Suite struct SamplingOptionTests {
    @Test func uniformByDefaultAndHandedOnToTheCoordinator() throws {
        let options = try FederationOptions.parse([])
        #expect(options.sampling == .uniform)
        #expect(try FederationOptions.parse(options.arguments).sampling == .uniform)
    }

    /// Byzantine-robust strategies sample stratified unless told otherwise; the choice is handed on.
    @Test(arguments: ["median", "trimmed-mean", "krum", "multi-krum"])
    func robustStrategiesSampleStratifiedByDefault(strategy: String) throws {
        let options = try FederationOptions.parse(["--strategy", strategy])
        #expect(options.sampling == .stratified)
        #expect(try FederationOptions.parse(options.arguments).sampling == .stratified)
        let uniform = try FederationOptions.parse(["--strategy", strategy, "--sampling", "uniform"])
        #expect(uniform.sampling == .uniform)
        #expect(try FederationOptions.parse(uniform.arguments).sampling == .uniform)
        #expect(try FederationOptions.parse(["--strategy", "fedadam"]).sampling == .uniform)
    }

    @Test func stratifiedSurvivesTheHandOver() throws {
        let options = try FederationOptions.parse(["--sampling", "stratified"])
        #expect(options.sampling == .stratified)
        #expect(try FederationOptions.parse(options.arguments).sampling == .stratified)
    }

    @Test func anUnknownModeIsRefusedWithTheKnownOnes() {
        #expect {
            _ = try FederationOptions.parse(["--sampling", "random"])
        } throws: { error in
            let message = FederationOptions.message(for: error)
            return message.contains("'random'") && message.contains("'uniform'") && message.contains("'stratified'")
        }
    }
}
