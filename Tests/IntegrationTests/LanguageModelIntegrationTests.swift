import Foundation
import Testing

/// `fedz run --model models/rnn-lm.toml --data DIR`: a word-level language model trained on the
/// nodes' own text files, evaluated on a test text and reported with its perplexity.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct LanguageModelIntegrationTests {
    @Test func rnnLMTrainsOnTheNodesOwnTextAndItsPerplexityFalls() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-text-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let text = try String(contentsOf: ONNXExportIntegrationTests.packageRoot().appendingPathComponent("data/shakespeare/input.txt"), encoding: .utf8)
        let slices = [(0, 40_000, "node-0/plays.txt"), (40_000, 70_000, "node-1/more.txt"), (200_000, 220_000, "test.txt")]
        for (from, to, name) in slices {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let start = text.utf8.index(text.utf8.startIndex, offsetBy: from), end = text.utf8.index(text.utf8.startIndex, offsetBy: to)
            try Data(text.utf8[start..<end]).write(to: url)
        }
        let model = try ONNXExportIntegrationTests.packageRoot().appendingPathComponent("models/rnn-lm.toml").path
        let run = try FedzRunProcess(
            ["--model", model, "--data", root.path, "--test-data", root.appendingPathComponent("test.txt").path,
             "--nodes", "2", "--clients", "4", "--fraction", "1.0", "--rounds", "3", "--local-epochs", "1",
             "--batch-size", "10", "--lr", "0.5", "--seed", "2"],
            binDirectory: ClusterHarness.findBinDirectory())
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")
        let rounds = try #require(run.summaryJSON()["rounds"] as? [[String: Any]])
        let perplexities = rounds.compactMap { ($0["test_loss"] as? Double).map(exp) }
        #expect(perplexities.count == 3)
        // Guessing uniformly among the 1,000 word buckets is a perplexity of 1,000.
        #expect(perplexities[2] < perplexities[0] && perplexities[2] < 500, "perplexity per round: \(perplexities)")
        #expect(run.output.contains { $0.contains("round   3/3") && $0.contains("perplexity") }, "\(run.output.suffix(4))")
    }
}
