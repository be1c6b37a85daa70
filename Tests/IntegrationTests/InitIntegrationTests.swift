import Foundation
import Learning
import ModelOps
import Testing

/// `fedz run --init FILE.safetensors`: the federation starts from the file's weights (the
/// coordinator child gets the flag and registers them as version 1, which the nodes train
/// from); a file that does not fit the model stops the run before any process starts, naming the
/// first mismatch.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct InitIntegrationTests {
    let binDirectory: URL = try! ClusterHarness.findBinDirectory()

    /// `definition`'s network drawn from `seed`, written to a fresh safetensors file.
    static func file(_ definition: ModelDefinition, seed: UInt64) throws -> (url: URL, weights: [Tensor]) {
        let weights = try definition.build(seed: seed).parameters()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-init-\(UUID().uuidString).safetensors")
        try SafetensorsExport.write(weights, of: definition, to: url)
        return (url, weights)
    }

    @Test func aRunStartsFromTheWeightsOfTheFile() async throws {
        let mlp = try #require(ModelDefinition.builtIn["mlp"])
        let (url, weights) = try Self.file(mlp, seed: 99)
        let run = try FedzRunProcess(RunIntegrationTests.small + ["--rounds", "1", "--init", url.path], binDirectory: binDirectory)
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")

        let registry = try ModelRegistry.open(directory: run.stateDirectory)
        let versions = try registry.versions()
        let first = try #require(versions.first)
        #expect(first.number == 1 && first.parent == nil && first.round == 0)
        #expect(try registry.weights(of: 1) == weights, "version 1 holds the file's weights")
        #expect(try registry.weights(of: 1) != mlp.build(seed: 2).parameters(), "not the seeded ones (--seed 2)")
        #expect(versions.contains { $0.parent == 1 && $0.round == 1 }, "round 1 trained from it")
        let config = try #require(try run.summaryJSON()["config"] as? [String: String])
        #expect(config["init"] == url.path)
    }

    @Test func aFileThatDoesNotFitTheModelStopsTheRunNamingTheMismatch() throws {
        let (url, _) = try Self.file(try #require(ModelDefinition.builtIn["lenet5"]), seed: 1)
        let (status, text) = try FedzRunProcess.outcome(of: ["run", "--model", "cnn", "--init", url.path, "--rounds", "1"], binDirectory: binDirectory)
        #expect(status != 0)
        #expect(text.contains(
            "--init: file \(url.path): tensor 'conv0.weight' has shape [6, 1, 5, 5]; model cnn needs [32, 1, 5, 5] (PyTorch's layout)"),
            "\(text)")
    }
}
