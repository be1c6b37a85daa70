import Actors
import FedzProtocol
import Foundation
import Testing

/// A coordinator and node processes of the built executables over TCP loopback.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ClusterIntegrationTests {
    /// Small enough for a debug build on two cores; IID MNIST.
    static let quick = ["--local-epochs", "1", "--batch-size", "10", "--lr", "0.05", "--seed", "3"]

    @Test func threeNodesTrainThreeRoundsAndAccuracyRises() async throws {
        let cluster = try ClusterHarness()
        defer { cluster.tearDown() }
        try await cluster.startCoordinator(
            ["--rounds", "3", "--fraction", "0.1", "--expect-clients", "30", "--min-clients", "3"] + Self.quick)
        try cluster.startNodes(3, clients: 30)

        var accuracies: [Double] = []
        for round in 1...3 {
            let result = try await cluster.waitFor("round", silentAtMost: .seconds(180)).result
            #expect(result["round"] as? Int == round)
            #expect(result["participants"] as? Int == 3, "every sampled client answers")
            accuracies.append(try #require(result["test_accuracy"] as? Double))
        }
        let finished = try await cluster.waitFor("finished", silentAtMost: .seconds(30))
        #expect((finished.report["rounds"] as? [Any])?.count == 3)
        #expect(accuracies[2] > accuracies[0], "accuracy rises: \(accuracies)")
        #expect(accuracies[2] > 0.85, "accuracy after 3 rounds: \(accuracies)")
    }

    @Test func roundCompletesWithTheOthersWhenANodeIsKilledMidRound() async throws {
        let cluster = try ClusterHarness()
        defer { cluster.tearDown() }
        // A node is declared dead after 5 s of silence: long enough that a node starved of the CPU
        // on a loaded machine (load average 20–40 measured) is not, short enough for the killed one.
        let heartbeat = ["--heartbeat-interval", "0.5", "--heartbeat-liveness", "10"]
        try await cluster.startCoordinator(
            ["--rounds", "3", "--fraction", "0.25", "--expect-clients", "60", "--min-clients", "2"]
                + Self.quick + heartbeat)
        try cluster.startNodes(3, clients: 60, extra: heartbeat)

        let first = try await cluster.waitFor("round", silentAtMost: .seconds(180)).result
        #expect(first["participants"] as? Int == first["sampled"] as? Int)
        // Round 2 starts right after round 1; its clients on node-1 are now training.
        let victim = try #require(cluster.nodes.dropFirst().first)
        kill(victim.processIdentifier, SIGKILL)

        let second = try await cluster.waitFor("round", silentAtMost: .seconds(180)).result
        let participants = try #require(second["participants"] as? Int)
        let sampled = try #require(second["sampled"] as? Int)
        #expect(second["round"] as? Int == 2)
        #expect(participants < sampled, "node-1's clients are lost: \(participants) of \(sampled)")
        #expect(participants >= 2)
        let third = try await cluster.waitFor("round", silentAtMost: .seconds(180)).result
        #expect(third["round"] as? Int == 3)
        #expect(third["participants"] as? Int == third["sampled"] as? Int, "round 3 samples only live nodes")
        _ = try await cluster.waitFor("finished", silentAtMost: .seconds(30))
    }

    @Test func malformedMessagesAreCountedAndDroppedWithoutChangingTheResult() async throws {
        let clean = try await runSmallFederation(sendingGarbage: false)
        let attacked = try await runSmallFederation(sendingGarbage: true)
        #expect(clean.rejected.isEmpty, "\(clean.rejected)")
        for reason in ["malformed", "bad_header", "wrong_version", "truncated", "bad_shape", "non_finite", "spoofed_sender"] {
            #expect((attacked.rejected[reason] ?? 0) > 0, "\(reason) counted: \(attacked.rejected)")
        }
        #expect(attacked.accuracy == clean.accuracy, "same seed, same result despite garbage")
    }

    private func runSmallFederation(sendingGarbage: Bool) async throws -> (accuracy: Double, rejected: [String: Int]) {
        let cluster = try ClusterHarness(nodes: 2)
        defer { cluster.tearDown() }
        try await cluster.startCoordinator(
            ["--rounds", "2", "--fraction", "0.1", "--expect-clients", "20", "--min-clients", "2"] + Self.quick)
        try cluster.startNodes(2, clients: 20)
        if sendingGarbage {
            // From an enrolled node's key: garbage that gets through the allow-list.
            let loop = try await IOLoop.start(name: "garbage-io")
            let curve = CurveSettings.client(
                try CurveKeyPair.load(from: cluster.keyDirectory, name: "node-1"),
                serverPublicKey: try CurveKeyPair.loadPublicKey(from: cluster.keyDirectory, name: "coordinator"))
            let pusher = try await Pusher(loop: loop, connect: cluster.pull, settings: SocketSettings(curve: curve))
            for _ in 0..<5 {
                for message in try Garbage.messages() { try await pusher.send(message, timeout: .seconds(5)) }
            }
            _ = try await cluster.waitFor("round", silentAtMost: .seconds(180))
            for message in try Garbage.messages() { try await pusher.send(message, timeout: .seconds(5)) }
            await loop.shutdown()
        }
        let finished = try await cluster.waitFor("finished", silentAtMost: .seconds(240))
        return (try #require(finished.finalTestAccuracy), finished.rejected)
    }
}

/// One message of every malformed class the coordinator must survive.
enum Garbage {
    /// An update body as the protocol defines it.
    struct FakeReport: Encodable {
        var client: Int
        var samples: Int
        var trainLoss: Double
        var hash: String
    }

    /// Sent as `sender`, the name of the key that sends them, so that they reach the checks past
    /// the sender's identity; one more claims another sender.
    static func messages(sender: String = "node-1") throws -> [Multipart] {
        var random = SystemRandomNumberGenerator()
        let randomBytes = (0..<64).map { _ in UInt8.random(in: 0...255, using: &random) }
        func update(from sender: String) throws -> Envelope {
            try Envelope(
                topic: .report,
                header: Header(kind: MessageKind("update"), sender: sender, incarnation: 1, round: 1, modelVersion: 0),
                body: FakeReport(client: 0, samples: 10, trainLoss: 0.1, hash: "00"),
                tensors: [WireTensor(name: "dense0.weight", shape: [3, 3], values: Array(repeating: 0.5, count: 9))])
        }
        let valid = WireFormat.encode(try update(from: sender))
        var truncated = valid
        truncated[2].removeLast(5)
        let wrongVersion = [valid[0], Array(String(decoding: valid[1], as: UTF8.self)
            .replacingOccurrences(of: "\"protocolVersion\":1", with: "\"protocolVersion\":7").utf8)] + valid.dropFirst(2)
        var nonFinite = valid
        nonFinite[2] = WireFormat.littleEndianBytes([Float.nan] + Array(repeating: 0, count: 8))
        return [
            [randomBytes],
            [Array(Topic.report.rawValue.utf8), randomBytes],
            truncated,
            wrongVersion,
            valid,  // a well-formed update whose tensor does not fit the model: bad_shape
            nonFinite,
            WireFormat.encode(try update(from: "intruder")),  // not the key's name: spoofed_sender
        ]
    }
}
