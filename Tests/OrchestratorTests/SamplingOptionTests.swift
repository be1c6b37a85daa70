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
