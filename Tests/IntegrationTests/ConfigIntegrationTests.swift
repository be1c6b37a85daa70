import Foundation
import Testing

/// `--config` files with the built executables: `fedz config check` and `fedz run --config`.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ConfigIntegrationTests {
    @Test func configCheckNamesABadKeyAndItsLine() async throws {
        let harness = try ClusterHarness(nodes: 1)
        defer { harness.tearDown() }
        let file = try write("""
            plaintext = true

            [node]
            clients = 4
            cilents = 3

            [run]
            sampling = "random"
            """, to: "bad.toml", in: harness)
        let (status, output) = try await run(harness, "fedz", ["config", "check", file], log: "check-bad.log")
        #expect(status == 1)
        #expect(output.contains("bad.toml:5: [node] cilents: unknown key"), "\(output)")
        #expect(output.contains("bad.toml:8: [run] sampling: The value 'random' is invalid"), "\(output)")

        let good = try write("plaintext = true\nrounds = 2\n[node]\nclients = 4\n", to: "good.toml", in: harness)
        let (goodStatus, goodOutput) = try await run(harness, "fedz", ["config", "check", good], log: "check-good.log")
        #expect(goodStatus == 0, "\(goodOutput)")
    }

    @Test func runTakesItsOptionsFromTheFileAndFlagsOverrideThem() async throws {
        let harness = try ClusterHarness(nodes: 1)
        defer { harness.tearDown() }
        let state = harness.logDirectory.appendingPathComponent("run-state").path
        let summary = harness.logDirectory.appendingPathComponent("summary.json").path
        let file = try write("""
            rounds = 3
            seed = 3
            log-format = "json"

            [run]
            nodes = 2
            clients = 10
            fraction = 0.4
            sampling = "stratified"
            local-epochs = 1
            batch-size = 20
            plaintext = true
            state-dir = "\(state)"
            summary = "\(summary)"
            """, to: "run.toml", in: harness)
        let (status, output) = try await run(harness, "fedz", ["run", "--config", file, "--rounds", "1"], log: "run.log")
        #expect(status == 0, "\(output)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any]
        #expect((json?["rounds"] as? [Any])?.count == 1, "--rounds 1 overrides the file's 3")
        #expect((json?["config"] as? [String: String])?["nodes"] == "2")
        #expect((json?["config"] as? [String: String])?["sampling"] == "stratified")
        let log = try String(contentsOfFile: state + "/logs/coordinator.log", encoding: .utf8)
        let first = try #require(log.split(separator: "\n").first)
        let record = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        #expect(record?["label"] as? String == "fedz.coordinator", "the coordinator logs JSON: \(first)")
    }

    private func write(_ text: String, to name: String, in harness: ClusterHarness) throws -> String {
        let path = harness.logDirectory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs a built executable to its exit (within three minutes): its status and output.
    private func run(_ harness: ClusterHarness, _ name: String, _ arguments: [String], log: String) async throws -> (Int32, String) {
        let process = try harness.startCommand(harness.binDirectory.appendingPathComponent(name).path, arguments, log: log)
        let deadline = ContinuousClock.now + .seconds(180)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        guard !process.isRunning else { throw HarnessError("\(name) \(arguments) did not exit; \(harness.log(log))") }
        let output = try String(contentsOf: harness.logDirectory.appendingPathComponent(log), encoding: .utf8)
        return (process.terminationStatus, output)
    }
}
