import Foundation
import Learning
import Testing

/// `ONNXExport`: every built-in definition (the files in `models/`), exported with its weights
/// and run by onnxruntime on test samples, gives fedz's logits to within 1e-4, and so its
/// predictions. onnxruntime comes from PyPI into `.build/python-env` (`deploy/python-env.sh`,
/// run by `make test`).
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ONNXExportIntegrationTests {
    /// The package's root: the folder above the test binary holding Package.swift.
    static func packageRoot() throws -> URL {
        var directory = try ClusterHarness.findBinDirectory()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            guard directory.pathComponents.count > 1 else { throw HarnessError("Package.swift not found above the test binary") }
            directory.deleteLastPathComponent()
        }
        return directory
    }

    /// The Python with onnxruntime: `$FEDZ_PYTHON`, else `.build/python-env/bin/python`.
    static func python() throws -> String {
        if let python = ProcessInfo.processInfo.environment["FEDZ_PYTHON"] { return python }
        let path = try packageRoot().appendingPathComponent(".build/python-env/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("\(path) not found: run deploy/python-env.sh (make test does)")
        }
        return path
    }

    /// Runs `model.onnx` on `input.bin` (float32, `shape`) and prints max |Δ| against `logits.bin`
    /// and how many argmax predictions differ.
    static let check = """
        import json, sys
        import numpy as np, onnxruntime as ort
        folder, shape = sys.argv[1], json.loads(sys.argv[2])
        session = ort.InferenceSession(folder + "/model.onnx", providers=["CPUExecutionProvider"])
        x = np.fromfile(folder + "/input.bin", "<f4").reshape(shape)
        ours = session.run(["logits"], {"input": x})[0]
        theirs = np.fromfile(folder + "/logits.bin", "<f4").reshape(ours.shape)
        print(json.dumps({"max_delta": float(np.abs(ours - theirs).max()), "shape": list(ours.shape),
                          "predictions_differ": int((ours.argmax(-1) != theirs.argmax(-1)).sum())}))
        """

    /// Test samples for `name`: 200 of MNIST's test set for the image models, 50 windows of Tiny
    /// Shakespeare's for char-lstm, random word ids for rnn-lm.
    static func samples(for name: String, definition: ModelDefinition) throws -> Tensor {
        let root = try packageRoot().appendingPathComponent("data")
        switch name {
        case "char-lstm":
            let data = try Dataset.shakespeare.load(.test, from: root.appendingPathComponent("shakespeare").path).subset(Array(0..<50))
            return Tensor(shape: [50] + definition.input, values: data.features)
        case "rnn-lm":
            var generator = SeededGenerator(seed: 5)
            let values = (0..<(50 * ModelZoo.wordSteps)).map { _ in Float(Int.random(in: 0..<ModelZoo.wordVocabulary, using: &generator)) }
            return Tensor(shape: [50] + definition.input, values: values)
        default:
            let data = try Dataset.mnist.load(.test, from: root.appendingPathComponent("mnist").path).subset(Array(0..<200))
            return Tensor(shape: [200] + definition.input, values: data.features)
        }
    }

    @Test(arguments: ModelZoo.sequentialNames)
    func onnxruntimeGivesFedzsLogits(_ name: String) throws {
        let definition = try #require(ModelDefinition.builtIn[name])
        let network = try definition.build(seed: 3)
        let input = try Self.samples(for: name, definition: definition)
        let logits = network.predict(input)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(ONNXExport.model(definition, weights: network.parameters())).write(to: folder.appendingPathComponent("model.onnx"))
        func raw(_ values: [Float]) -> Data { values.withUnsafeBufferPointer { Data(buffer: $0) } }
        try raw(input.values).write(to: folder.appendingPathComponent("input.bin"))
        try raw(logits.values).write(to: folder.appendingPathComponent("logits.bin"))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.python())
        process.arguments = ["-c", Self.check, folder.path, "\(input.shape)"]
        let output = Pipe(), errors = Pipe()
        (process.standardOutput, process.standardError) = (output, errors)
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(problems)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)\(problems)")
        #expect(result["shape"] as? [Int] == logits.shape)
        let delta = try #require(result["max_delta"] as? Double)
        #expect(delta <= 1e-4, "\(name): max |Δlogit| \(delta)")
        #expect(result["predictions_differ"] as? Int == 0)
    }
}
