import Foundation
import Learning
import ModelOps
import Testing

/// A coordinator killed after round k and resumed continues exactly where it stopped:
/// with the same seed, every process of a `fedz run` is deterministic (sampling, each
/// client's training seed, the order updates aggregate in), so the resumed run's final
/// model equals an uninterrupted run's, which needs the strategy's server state (server
/// momentum, Adam moments) to survive the kill.
@Suite(.serialized, .timeLimit(.minutes(30)))
struct ResumeIntegrationTests {
    static let rounds = 4
    static let killedAfter = 2

    let binDirectory: URL = try! ClusterHarness.findBinDirectory()

    @Test(arguments: ["fedadam", "fedavgm"])
    func aResumedRunEndsWithTheUninterruptedRunsModel(strategy: String) async throws {
        let arguments = RunIntegrationTests.small + ["--rounds", "\(Self.rounds)", "--strategy", strategy]
        let clean = try FedzRunProcess(arguments, binDirectory: binDirectory)
        defer { clean.tearDown() }
        #expect(try await clean.waitForExit(silentAtMost: .seconds(300)) == 0, "\(clean.output.suffix(10))")

        let run = try FedzRunProcess(arguments, binDirectory: binDirectory)
        defer { run.tearDown() }
        // The result line comes after the round's checkpoint is saved.
        _ = try await run.waitForLine(containing: "round   \(Self.killedAfter)/\(Self.rounds)  participants", silentAtMost: .seconds(240))
        kill(try run.pid(of: "coordinator"), SIGKILL)
        _ = try await run.waitForLine(containing: "restarting it to resume", silentAtMost: .seconds(30))
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")
        let summary = try #require(try run.summaryJSON()["rounds"] as? [[String: Any]])
        #expect(summary.compactMap { $0["round"] as? Int } == Array(1...Self.rounds))
        let resumedAt = try resumedRound(run)
        #expect((Self.killedAfter..<Self.rounds).contains(resumedAt), "rounds after \(resumedAt) ran on restored server state")

        let expected = try finalWeights(clean), resumed = try finalWeights(run)
        #expect(resumed.map(\.shape) == expected.map(\.shape))
        let distance = zip(resumed, expected).flatMap { zip($0.values, $1.values).map { abs($0 - $1) } }.max() ?? .infinity
        #expect(distance <= 1e-6, "the resumed \(strategy) run ends \(distance) away from the uninterrupted one")
    }

    /// The weights of the last version registered: the last round's.
    private func finalWeights(_ run: FedzRunProcess) throws -> [Tensor] {
        let registry = try ModelRegistry.open(directory: run.stateDirectory)
        let last = try #require(try registry.versions().max { $0.number < $1.number })
        #expect(last.draft.round == Self.rounds)
        return try registry.weights(of: last.number)
    }

    /// The round the restarted coordinator resumed after, from its log.
    private func resumedRound(_ run: FedzRunProcess) throws -> Int {
        let log = try String(contentsOf: run.stateDirectory.appendingPathComponent("logs/coordinator.log"), encoding: .utf8)
        let line = try #require(log.split(separator: "\n").first { $0.hasSuffix(" resumed") }, "the coordinator resumed")
        let field = try #require(line.split(separator: " ").first { $0.hasPrefix("fedz.round=") })
        return try #require(Int(field.dropFirst("fedz.round=".count)))
    }
}
