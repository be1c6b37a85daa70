import Foundation
import Learning
import ModelOps
import Testing

/// `ONNXImport`: a CNN written in PyTorch (`examples/pytorch/mnist_cnn.py`) and exported with
/// `torch.onnx.export` — by torch.export and by the TorchScript exporter — becomes a fedz network
/// that computes PyTorch's logits. torch comes from PyPI into `.build/python-env`
/// (`deploy/python-env.sh`, run by `make test`).
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ONNXImportIntegrationTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/pytorch/mnist_cnn.py").path

    /// Runs the example script with `arguments` in the test Python; its standard output.
    static func script(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ONNXExportIntegrationTests.python())
        process.arguments = [script] + arguments
        // Standard error to a file: PyTorch's exporter writes pages of warnings there.
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-torch-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let output = Pipe()
        (process.standardOutput, process.standardError) = (output, try FileHandle(forWritingTo: errors))
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let complaints = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw HarnessError("mnist_cnn.py \(arguments.joined(separator: " ")) failed: \(complaints.suffix(2_000))")
        }
        return text
    }

    @Test(arguments: [false, true])
    func aPyTorchCNNBecomesAFedzNetworkWithTheSameLogits(legacyExporter: Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (onnx, logits) = (folder.appendingPathComponent("cnn.onnx"), folder.appendingPathComponent("torch.logits"))
        _ = try Self.script(["export", onnx.path, "--logits", logits.path, "--samples", "200"] + (legacyExporter ? ["--legacy"] : []))

        let network = try ONNXImport.network([UInt8](Data(contentsOf: onnx)), name: "cnn", path: onnx.path)
        #expect(network.definition.input == [28, 28])
        #expect(network.definition.layers.map(\.typeName)
            == ["conv2d", "relu", "maxpool2d", "conv2d", "relu", "avgpool2d", "flatten", "dense", "tanh", "dense"])
        let model = try network.definition.build(seed: 1)
        try model.setParameters(network.weights)
        let mnist = try ONNXExportIntegrationTests.packageRoot().appendingPathComponent("data/mnist").path
        let samples = try Dataset.mnist.load(.test, from: mnist).subset(Array(0..<200))
        let ours = model.predict(Tensor(shape: [200, 28, 28], values: samples.features)).values
        let theirs = try Data(contentsOf: logits).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(ours.count == theirs.count && ours.count == 2_000)
        let delta = zip(ours, theirs).map { abs($0 - $1) }.max() ?? .infinity
        #expect(delta <= 1e-4, "max |Δlogit| \(delta)")
    }

    /// The acceptance path: the PyTorch CNN's file trains in a federation of real processes,
    /// starting from its own weights; the trained version, exported as safetensors and loaded
    /// into the PyTorch module, scores on MNIST's test set what fedz reported.
    @Test func aPyTorchCNNTrainsInAFederationAndItsWeightsGoBackToPyTorch() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let onnx = folder.appendingPathComponent("cnn.onnx")
        _ = try Self.script(["export", onnx.path])

        let run = try FedzRunProcess(
            RunIntegrationTests.small + ["--rounds", "2", "--model", onnx.path], binDirectory: ClusterHarness.findBinDirectory())
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")
        let summary = try run.summaryJSON()
        let accuracy = try #require(summary["final_test_accuracy"] as? Double)
        #expect(accuracy > 0.8, "the imported CNN after 2 rounds: \(accuracy)")
        let last = try #require((summary["rounds"] as? [[String: Any]])?.last?["model_version"] as? Int)

        // Version 1 is the file's own network.
        let registry = try ModelRegistry.open(directory: run.stateDirectory)
        let imported = try ONNXImport.network([UInt8](Data(contentsOf: onnx)), name: "cnn", path: onnx.path)
        #expect(try registry.weights(of: 1) == imported.weights)

        let trained = folder.appendingPathComponent("trained.safetensors")
        let export = Process()
        export.executableURL = try ClusterHarness.findBinDirectory().appendingPathComponent("fedz")
        export.arguments = ["models", "export", "\(last)", "--format", "safetensors", "--out", trained.path, "--state-dir", run.stateDirectory.path]
        try export.run()
        export.waitUntilExit()
        #expect(export.terminationStatus == 0)
        let printed = try Self.script(["evaluate", trained.path])
        let torchAccuracy = try #require(Double(printed.trimmingCharacters(in: .whitespacesAndNewlines)), "\(printed)")
        // The same weights on the same 10,000 images: logits agree to 1e-6, so at most a near-tie flips.
        #expect(abs(torchAccuracy - accuracy) <= 0.0003, "PyTorch \(torchAccuracy), fedz \(accuracy)")
    }
}
