import Foundation
import Testing

/// `fedz bench fuzz --authenticated` against a real coordinator: it survives 20,000 lying
/// messages from four allow-listed keys and refuses each for the reason the generator meant.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct AuthenticatedFuzzIntegrationTests {
    @Test func theCoordinatorSurvivesAndCountsWhatTheGeneratorExpects() async throws {
        let process = Process()
        process.executableURL = try ClusterHarness.findBinDirectory().appendingPathComponent("fedz")
        process.arguments = ["bench", "fuzz", "--authenticated", "--inputs", "20000", "--keys-count", "4", "--seed", "5"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(report["coordinator_alive"] as? Bool == true)
        #expect(report["coordinator_exit_status"] as? Int == 130, "stopped by SIGTERM, not dead before")
        #expect(report["messages"] as? Int == 20_000 && report["unsent"] as? Int == 0)
        #expect(report["as_expected"] as? Bool == true, "\(text)")

        let rejected = try #require(report["rejected"] as? [String: Int])
        let expected = try #require(report["expected"] as? [String: Any])
        let certain = try #require(expected["rejected"] as? [String: Int])
        let undetermined = try #require(expected["undetermined"] as? [String: Int])
        // Only model requests past their burst have two possible outcomes; every other reason is exact.
        let open = Set(undetermined.keys.flatMap { $0.split(separator: "|").map(String.init) })
        for (reason, count) in certain where !open.contains(reason) {
            #expect(rejected[reason] == count, "\(reason): counted \(rejected[reason] ?? 0), expected \(count)")
        }
        for reason in ["spoofed_sender", "bad_header", "out_of_range", "bad_body", "bad_shape", "non_finite", "oversized",
                       "forbidden", "unexpected", "stale_update", "over_quota"] {
            #expect((rejected[reason] ?? 0) > 0, "\(reason) never refused")
        }
        #expect((report["accepted"] as? Int ?? 0) > 0, "valid heartbeats and hellos in a key's own name are accepted")
    }
}
