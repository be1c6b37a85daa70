import Foundation
import Testing

/// `fedz run` with the models that do not learn by gradients, across real processes.
@Suite(.serialized, .timeLimit(.minutes(30)))
struct PrototypeRunIntegrationTests {
    let binDirectory: URL = try! ClusterHarness.findBinDirectory()

    @Test func aFederatedSelfOrganisingMapLowersItsQuantizationError() async throws {
        let run = try FedzRunProcess(
            ["--model", "som", "--nodes", "2", "--clients", "100", "--fraction", "0.05", "--rounds", "3", "--seed", "2"],
            binDirectory: binDirectory)
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(240)) == 0, "\(run.output.suffix(10))")
        let summary = try run.summaryJSON()
        let config = try #require(summary["config"] as? [String: Any])
        #expect(config["strategy"] as? String == "prototype-merge", "the model's default strategy")
        let rounds = try #require(summary["rounds"] as? [[String: Any]])
        let errors = rounds.compactMap { $0["quantization_error"] as? Double }
        #expect(errors.count == 3, "\(rounds)")
        #expect(errors.last! < errors.first! * 0.95, "quantization error drops: \(errors)")
        #expect(rounds.allSatisfy { ($0["topographic_error"] as? Double).map { (0...1).contains($0) } == true })
        #expect(try #require(rounds.last?["test_accuracy"] as? Double) > 0.5)
        #expect(run.output.contains { $0.contains("quantization error") })
    }

    @Test func aSecurelyAggregatedMapLowersItsQuantizationError() async throws {
        let run = try FedzRunProcess(
            ["--model", "som", "--secure-aggregation", "--nodes", "2", "--clients", "100", "--fraction", "0.05",
             "--rounds", "2", "--seed", "3"],
            binDirectory: binDirectory)
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(240)) == 0, "\(run.output.suffix(10))")
        let rounds = try #require(try run.summaryJSON()["rounds"] as? [[String: Any]])
        let errors = rounds.compactMap { $0["quantization_error"] as? Double }
        #expect(errors.count == 2 && errors[1] < errors[0], "quantization error drops: \(errors)")
        #expect(rounds.allSatisfy { $0["secagg_stage_seconds"] != nil }, "the rounds aggregated securely")
    }

    @Test(arguments: [
        (["--model", "som", "--dp-noise", "1"], "does not support --dp-noise"),
        (["--model", "competitive", "--strategy", "fedavg"], "needs --strategy prototype-merge"),
        (["--model", "mlp", "--strategy", "prototype-merge"], "needs a prototype model"),
    ])
    func mismatchedModelsAndStrategiesAreRefusedWithAReason(arguments: [String], reason: String) throws {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent("fedz")
        process.arguments = ["run", "--rounds", "1"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(message.contains(reason), "\(message)")
    }
}
