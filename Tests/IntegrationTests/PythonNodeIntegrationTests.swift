import Foundation
import Testing

/// The Python node (`examples/python/node.py`, pyzmq + numpy, written from docs/PROTOCOL.md)
/// in a CurveZMQ federation next to Swift `fedz-node` processes.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct PythonNodeIntegrationTests {
    /// Debian's interpreter, where `python3-zmq` and `python3-numpy` install their modules.
    static let python = "/usr/bin/python3"
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/python/node.py").path

    /// Six clients on three nodes (client c on node c mod 3), every client sampled every round:
    /// the Python node `node-2` trains clients 2 and 5 in each of the three rounds.
    @Test func aPythonNodeTrainsNextToSwiftNodesAndItsUpdatesAreAccepted() async throws {
        try Self.requirePythonModules()
        let cluster = try ClusterHarness(nodes: 3)
        defer { cluster.tearDown() }
        try await cluster.startCoordinator(
            ["--rounds", "3", "--fraction", "1.0", "--expect-clients", "6", "--min-clients", "6"]
                + ClusterIntegrationTests.quick)
        let split = ["--clients", "6", "--node-count", "3", "--seed", "1", "--keys", cluster.keyDirectory,
                     "--coordinator-publish", cluster.publish, "--coordinator-pull", cluster.pull]
        for index in 0..<2 {
            _ = try cluster.startCommand(
                cluster.binDirectory.appendingPathComponent("fedz-node").path,
                ["--id", "node-\(index)", "--node-index", "\(index)"] + split, log: "node-\(index).log")
        }
        let pythonNode = try cluster.startCommand(
            Self.python, [Self.script, "--id", "node-2", "--node-index", "2"] + split, log: "node-2.log")

        var accuracies: [Double] = []
        for round in 1...3 {
            let result = try await cluster.waitFor("round", silentAtMost: .seconds(240)).result
            #expect(result["round"] as? Int == round)
            #expect(result["sampled"] as? Int == 6, "every client is sampled: \(result)")
            #expect(result["participants"] as? Int == 6, "every sampled client's update is accepted: \(result)")
            accuracies.append(try #require(result["test_accuracy"] as? Double))
        }
        let finished = try await cluster.waitFor("finished", silentAtMost: .seconds(30))
        #expect((finished.report["rounds"] as? [Any])?.count == 3)
        #expect(finished.rejected.isEmpty, "no rejections: \(finished.rejected)")
        #expect(accuracies[2] > accuracies[0], "accuracy rises: \(accuracies)")
        #expect(accuracies[2] > 0.9, "accuracy after 3 rounds: \(accuracies)")

        let log = try String(contentsOf: cluster.logDirectory.appendingPathComponent("node-2.log"), encoding: .utf8)
        for round in 1...3 {
            for client in [2, 5] {
                #expect(log.contains("update sent round=\(round) client=\(client) "), "node-2 trained client \(client) in round \(round)")
            }
        }

        kill(pythonNode.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        while pythonNode.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!pythonNode.isRunning, "the Python node stops within 10 s of SIGTERM")
        if !pythonNode.isRunning {
            #expect(pythonNode.terminationReason == .exit && pythonNode.terminationStatus == 0, "clean exit")
        }
        #expect(cluster.log("node-2.log").contains("stopped by SIGTERM; 6 update(s) sent; rejected: {}"),
                "\(cluster.log("node-2.log"))")
    }

    /// A network of dense layers and tanh from a definition file: the Python node, started without
    /// a model, asks the coordinator, checks the definition's hash and trains it beside a Swift node.
    @Test func aPythonNodeTrainsTheCoordinatorsDefinitionFile() async throws {
        try Self.requirePythonModules()
        let file = try ModelFileIntegrationTests.write("""
            name = "tanh-net"
            input = [28, 28]
            head = "classification"

            [[layer]]
            type = "dense"
            outputs = 32

            [[layer]]
            type = "tanh"

            [[layer]]
            type = "dense"
            outputs = 10
            """)
        defer { try? FileManager.default.removeItem(at: file) }
        let cluster = try ClusterHarness(nodes: 2)
        defer { cluster.tearDown() }
        try await cluster.startCoordinator(
            ["--model", file.path, "--rounds", "2", "--fraction", "1.0", "--expect-clients", "4", "--min-clients", "4"]
                + ClusterIntegrationTests.quick)
        let split = ["--clients", "4", "--node-count", "2", "--seed", "1", "--keys", cluster.keyDirectory,
                     "--coordinator-publish", cluster.publish, "--coordinator-pull", cluster.pull]
        _ = try cluster.startCommand(
            cluster.binDirectory.appendingPathComponent("fedz-node").path, ["--id", "node-0", "--node-index", "0"] + split,
            log: "node-0.log")
        _ = try cluster.startCommand(Self.python, [Self.script, "--id", "node-1", "--node-index", "1"] + split, log: "node-1.log")
        var accuracies: [Double] = []
        for round in 1...2 {
            let result = try await cluster.waitFor("round", silentAtMost: .seconds(240)).result
            #expect(result["round"] as? Int == round)
            #expect(result["participants"] as? Int == 4, "both nodes' updates are accepted: \(result)")
            accuracies.append(try #require(result["test_accuracy"] as? Double))
        }
        #expect(accuracies[1] > 0.85, "a 784-32-10 tanh network after 2 rounds of 4 clients: \(accuracies)")
        let log = try String(contentsOf: cluster.logDirectory.appendingPathComponent("node-1.log"), encoding: .utf8)
        #expect(log.contains("the federation trains tanh-net#"), "\(log.suffix(2_000))")
        #expect(log.contains("update sent round=2 client=1 ") && log.contains("update sent round=2 client=3 "))
    }

    /// Fails (never skips) when Debian's Python or its zmq / numpy modules are missing.
    private static func requirePythonModules() throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw HarnessError("\(python) not found: install python3, python3-zmq and python3-numpy (deploy/install-deps.sh)")
        }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: python)
        check.arguments = ["-c", "import zmq, numpy; assert zmq.has('curve'), 'libzmq without CURVE'"]
        let errors = Pipe()
        check.standardError = errors
        try check.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            throw HarnessError(
                "\(python) lacks pyzmq (with CURVE) or numpy: install python3-zmq and python3-numpy "
                    + "(deploy/install-deps.sh)\n\(message)")
        }
    }
}
