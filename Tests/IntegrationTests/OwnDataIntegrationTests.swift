import Foundation
import Learning
import Testing

/// `fedz run --data DIR`: every node trains on its own files, of its own format and size (a CSV
/// file on one, a NumPy archive on the other), a network from a definition file, and the
/// coordinator evaluates on a test set of the user's; a file with a bad row stops the run
/// naming the file and line.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct OwnDataIntegrationTests {
    let binDirectory: URL = try! ClusterHarness.findBinDirectory()

    static let definition = """
        # 8 features, 3 classes.
        name = "blobs"
        input = [8]
        head = "classification"

        [[layer]]
        type = "dense"
        outputs = 16

        [[layer]]
        type = "relu"

        [[layer]]
        type = "dense"
        outputs = 3
        """

    /// Three Gaussian classes in 8 dimensions: class c centred at 2·e_c, unit variance.
    static func blobs(_ count: Int, seed: UInt64) -> (x: [Float], y: [Int]) {
        var generator = SeededGenerator(seed: seed)
        var (x, y) = ([Float](), [Int]())
        for _ in 0..<count {
            let label = Int.random(in: 0..<3, using: &generator)
            for feature in 0..<8 {
                // Box–Muller.
                let (u, v) = (Double.random(in: Double.ulpOfOne..<1, using: &generator), Double.random(in: 0..<1, using: &generator))
                let noise = (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
                x.append(Float((feature == label ? 2 : 0) + noise))
            }
            y.append(label)
        }
        return (x, y)
    }

    static func csv(_ data: (x: [Float], y: [Int])) -> String {
        "f0,f1,f2,f3,label,f4,f5,f6,f7\n" + data.y.indices.map { row in
            let features = data.x[(row * 8)..<(row * 8 + 8)].map { "\($0)" }
            return (features[0..<4] + ["\(data.y[row])"] + features[4...]).joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    /// The share of `data` the nearest class centre classifies right: the Bayes-optimal rule here.
    static func nearestCentreAccuracy(_ data: (x: [Float], y: [Int])) -> Double {
        let right = data.y.indices.filter { row in
            let x = data.x[(row * 8)..<(row * 8 + 8)].map(Double.init)
            let distances = (0..<3).map { c in x.enumerated().map { pow($1 - ($0 == c ? 2 : 0), 2) }.reduce(0, +) }
            return distances.firstIndex(of: distances.min()!) == data.y[row]
        }
        return Double(right.count) / Double(data.y.count)
    }

    /// A folder with the definition, `node-0/mine.csv` (600 rows), `node-1/mine.npz` (1,000) and `test.csv` (1,000).
    static func folder(badRow: Bool = false) throws -> (root: URL, test: (x: [Float], y: [Int])) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-own-\(UUID().uuidString)")
        for node in ["node-0", "node-1"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(node), withIntermediateDirectories: true)
        }
        try Data(definition.utf8).write(to: root.appendingPathComponent("blobs.toml"))
        var first = csv(blobs(600, seed: 1)).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if badRow { first[42] = "0.1,0.2,0.3,0.4,1,0.5,oops,0.7,0.8" }
        try Data(first.joined(separator: "\n").utf8).write(to: root.appendingPathComponent("node-0/mine.csv"))
        let second = blobs(1000, seed: 2)
        try Data(NPZWriter.archive(x: second.x, shape: [1000, 8], y: second.y.map(Int64.init)))
            .write(to: root.appendingPathComponent("node-1/mine.npz"))
        let test = blobs(1000, seed: 3)
        try Data(csv(test).utf8).write(to: root.appendingPathComponent("test.csv"))
        return (root, test)
    }

    static func arguments(_ root: URL, testSet: Bool = true) -> [String] {
        ["--model", root.appendingPathComponent("blobs.toml").path, "--data", root.path,
         "--nodes", "2", "--clients", "10", "--fraction", "0.5", "--rounds", "5", "--seed", "2"]
            + (testSet ? ["--test-data", root.appendingPathComponent("test.csv").path] : [])
    }

    @Test func nodesOnTheirOwnFilesReachTheBayesRuleWithinFivePoints() async throws {
        let (root, test) = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try FedzRunProcess(Self.arguments(root), binDirectory: binDirectory)
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")
        let accuracy = try #require(run.summaryJSON()["final_test_accuracy"] as? Double)
        let bayes = Self.nearestCentreAccuracy(test)
        #expect(bayes > 0.8 && bayes < 0.95, "the classes overlap: \(bayes)")
        #expect(accuracy > bayes - 0.05, "5 rounds over 2 nodes' own files: \(accuracy), the Bayes rule \(bayes)")
        // The nodes evaluated each version too, on their clients' held-out samples: 10 % of each
        // client's (12 on node-0's, 20 on node-1's). 160 samples: within 10 points of the test set's.
        let last = try #require((run.summaryJSON()["rounds"] as? [[String: Any]])?.last)
        let federated = try #require(last["federated_evaluation"] as? [String: Any])
        #expect(federated["clients"] as? Int == 10 && federated["samples"] as? Int == 160, "\(federated)")
        let federatedAccuracy = try #require(federated["accuracy"] as? Double)
        #expect(abs(federatedAccuracy - accuracy) < 0.1, "federated \(federatedAccuracy), test set \(accuracy)")
        #expect(last["central_test"] as? Bool == true)
        // The last version, exported as ONNX, classifies test.csv in onnxruntime as fedz did.
        let version = try #require(last["model_version"] as? Int)
        let onnx = root.appendingPathComponent("model.onnx")
        let export = Process()
        export.executableURL = binDirectory.appendingPathComponent("fedz")
        export.arguments = ["models", "export", "\(version)", "--format", "onnx", "--out", onnx.path, "--state-dir", run.stateDirectory.path]
        try export.run()
        export.waitUntilExit()
        #expect(export.terminationStatus == 0)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: try ONNXExportIntegrationTests.python())
        check.arguments = ["-c", """
            import sys, numpy as np, onnxruntime as ort
            rows = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1, dtype=np.float32)
            x, y = np.delete(rows, 4, axis=1), rows[:, 4].astype(int)
            logits = ort.InferenceSession(sys.argv[1]).run(["logits"], {"input": x})[0]
            print((logits.argmax(1) == y).mean())
            """, onnx.path, root.appendingPathComponent("test.csv").path]
        let output = Pipe()
        check.standardOutput = output
        try check.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        let onnxAccuracy = try #require(Double(printed.trimmingCharacters(in: .whitespacesAndNewlines)), "\(printed)")
        #expect(abs(onnxAccuracy - accuracy) < 1e-9, "onnxruntime \(onnxAccuracy), fedz \(accuracy)")
        // Each node loaded its own file only, 10 % held out.
        let logs = run.stateDirectory.appendingPathComponent("logs")
        let node0 = try String(contentsOf: logs.appendingPathComponent("node-0.log"), encoding: .utf8)
        let node1 = try String(contentsOf: logs.appendingPathComponent("node-1.log"), encoding: .utf8)
        #expect(node0.contains("fedz.held_out=60") && node0.contains("fedz.samples=540"), "\(node0.prefix(600))")
        #expect(node1.contains("fedz.held_out=100") && node1.contains("fedz.samples=900"), "\(node1.prefix(600))")
    }

    @Test func withoutATestSetTheNodesEvaluateEachVersion() async throws {
        let (root, _) = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try FedzRunProcess(Self.arguments(root, testSet: false), binDirectory: binDirectory)
        defer { run.tearDown() }
        #expect(try await run.waitForExit(silentAtMost: .seconds(300)) == 0, "\(run.output.suffix(10))")
        let rounds = try #require(run.summaryJSON()["rounds"] as? [[String: Any]])
        #expect(rounds.count == 5)
        for round in rounds {
            #expect(round["central_test"] as? Bool == false)
            let federated = try #require(round["federated_evaluation"] as? [String: Any], "\(round)")
            #expect(federated["clients"] as? Int == 10 && federated["samples"] as? Int == 160, "\(federated)")
            #expect(round["test_accuracy"] as? Double == federated["accuracy"] as? Double)
        }
        // 160 held-out samples of a problem the Bayes rule gets 86 % of right (±2.7 points, one
        // standard error): 75 % is four standard errors below it.
        let accuracy = try #require(run.summaryJSON()["final_test_accuracy"] as? Double)
        #expect(accuracy > 0.75, "federated accuracy after 5 rounds: \(accuracy)")
        #expect(run.output.contains { $0.contains("final federated accuracy") }, "\(run.output.suffix(3))")
    }

    @Test func aBadRowStopsTheRunNamingTheFileAndLine() throws {
        let (root, _) = try Self.folder(badRow: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        let (status, text) = try FedzRunProcess.outcome(of: ["run", "--state-dir", state.path, "--no-metrics"] + Self.arguments(root), binDirectory: binDirectory)
        #expect(status != 0)
        let file = root.appendingPathComponent("node-0/mine.csv").path
        #expect(text.contains("node-0 exited at start 5 times in a row; its log ends: Error: file \(file): line 43: column f5: 'oops' is not a finite number"), "\(text)")
    }
}
