import Actors
import FedzProtocol
import Foundation
import Testing

/// CurveZMQ between real coordinator and node processes: only enrolled nodes get in,
/// and nothing readable crosses the wire.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SecurityIntegrationTests {
    @Test func aNodeWithAnUnknownKeyIsRefusedAndCounted() async throws {
        let cluster = try ClusterHarness(nodes: 1)
        defer { cluster.tearDown() }
        let strangerKeys = cluster.logDirectory.appendingPathComponent("stranger").path
        let generate = Process()
        generate.executableURL = cluster.binDirectory.appendingPathComponent("fedz")
        generate.arguments = ["keys", "generate", "--out", strangerKeys, "--nodes", "1"]
        try generate.run()
        generate.waitUntilExit()
        // The stranger knows the coordinator's public key but its own key is not enrolled.
        try FileManager.default.removeItem(atPath: strangerKeys + "/coordinator.pub")
        try FileManager.default.copyItem(atPath: cluster.keyDirectory + "/coordinator.pub", toPath: strangerKeys + "/coordinator.pub")

        try await cluster.startCoordinator(
            ["--rounds", "1", "--expect-clients", "10", "--start-timeout", "30"] + ClusterIntegrationTests.quick)
        try cluster.startNodes(1, clients: 10, security: ["--keys", strangerKeys])
        let refused = try await cluster.waitFor("refused", silentAtMost: .seconds(30))
        let strangerKey = try String(contentsOfFile: strangerKeys + "/node-0.pub", encoding: .utf8)
        #expect(refused.json["public_key"] as? String == strangerKey.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(!cluster.log("coordinator.log").contains("node joined"), "the stranger never joins")
    }

    @Test func plaintextMessagesNeverReachAnEncryptedCoordinator() async throws {
        let cluster = try ClusterHarness(nodes: 2)
        defer { cluster.tearDown() }
        try await cluster.startCoordinator(
            ["--rounds", "2", "--fraction", "0.1", "--expect-clients", "20"] + ClusterIntegrationTests.quick)
        let loop = try await IOLoop.start(name: "plaintext-io")
        let pusher = try await Pusher(loop: loop, connect: cluster.pull)
        for message in try Garbage.messages() {
            // A plain-text peer never completes the handshake: its sends wait for a connection.
            await #expect(throws: ActorsError.self) { try await pusher.send(message, timeout: .milliseconds(300)) }
        }
        await loop.shutdown()
        try cluster.startNodes(2, clients: 20)
        let finished = try await cluster.waitFor("finished", silentAtMost: .seconds(240))
        #expect(finished.rejected.isEmpty, "not one plain-text message got through")
    }

    @Test func theWireCarriesNoPlaintextWhenEncrypted() async throws {
        let encrypted = try await capture(plaintext: false)
        let plain = try await capture(plaintext: true)
        for marker in ["fedz/1/", "protocolVersion", "dense0.weight", "round_start"] {
            #expect(plain.range(of: Data(marker.utf8)) != nil, "the check can see \(marker) in plain text")
            #expect(encrypted.range(of: Data(marker.utf8)) == nil, "\(marker) is not readable on the encrypted wire")
        }
        #expect(encrypted.count > 1_000_000, "the model crossed the relay: \(encrypted.count) bytes")
    }

    /// Runs one round with a node connected through relays; returns the bytes they saw.
    private func capture(plaintext: Bool) async throws -> Data {
        let cluster = try ClusterHarness(nodes: 1)
        defer { cluster.tearDown() }
        try await cluster.startCoordinator(
            ["--rounds", "1", "--fraction", "0.2", "--expect-clients", "5", "--min-clients", "1"]
                + ClusterIntegrationTests.quick, plaintext: plaintext)
        let publishRelay = try TCPRelay(target: try port(of: cluster.publish))
        let pullRelay = try TCPRelay(target: try port(of: cluster.pull))
        defer {
            publishRelay.stop()
            pullRelay.stop()
        }
        try cluster.startNodes(
            1, clients: 5, security: plaintext ? ["--plaintext"] : nil,
            via: ("tcp://127.0.0.1:\(publishRelay.port)", "tcp://127.0.0.1:\(pullRelay.port)"))
        _ = try await cluster.waitFor("finished", silentAtMost: .seconds(240))
        return publishRelay.bytes + pullRelay.bytes
    }

    private func port(of endpoint: String) throws -> UInt16 {
        try #require(endpoint.split(separator: ":").last.flatMap { UInt16($0) })
    }
}
