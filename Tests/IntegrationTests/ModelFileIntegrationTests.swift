import Foundation
import ModelOps
import Testing

/// `fedz run --model FILE`: a network the user wrote as a definition file trains in a federation
/// of real processes, registered under its name and content hash; a file with a mistake stops
/// the run before any process starts, naming the file and line.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ModelFileIntegrationTests {
    let binDirectory: URL = try! ClusterHarness.findBinDirectory()

    static let definition = """
        # A user's own network: 784-64-10 with ReLU.
        name = "user-net"
        input = [28, 28]
        head = "classification"

        [[layer]]
        type = "dense"
        outputs = 64

        [[layer]]
        type = "relu"

        [[layer]]
        type = "dense"
        outputs = 10
        """

    static func write(_ text: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-model-\(UUID().uuidString).toml")
        try Data(text.utf8).write(to: file)
        return file
    }

    @Test func aFederationTrainsTheNetworkOfADefinitionFile() async throws {
        let file = try Self.write(Self.definition)
        let run = try FedzRunProcess(
            RunIntegrationTests.small + ["--rounds", "3", "--model", file.path], binDirectory: binDirectory)
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")
        let accuracy = try #require(run.summaryJSON()["final_test_accuracy"] as? Double)
        #expect(accuracy > 0.85, "a 784-64-10 network after 3 rounds of 10 clients: \(accuracy)")
        let registry = try ModelRegistry.open(directory: run.stateDirectory)
        let architectures = Set(try registry.versions().map(\.architecture))
        #expect(architectures.count == 1)
        let architecture = try #require(architectures.first)
        #expect(architecture.hasPrefix("user-net#") && architecture.count == "user-net#".count + 12, "\(architecture)")
    }

    @Test func aFileWithAShapeErrorStopsTheRunNamingItsLine() throws {
        let file = try Self.write(Self.definition + "\n\n[[layer]]\ntype = \"lstm\"\nhidden = 8\n")
        let (status, text) = try FedzRunProcess.outcome(of: ["run", "--model", file.path, "--rounds", "1"], binDirectory: binDirectory)
        #expect(status != 0)
        #expect(text.contains("\(file.path):17: layer 4 (lstm): takes a sequence [steps, features], not [10]"), "\(text)")
    }
}
