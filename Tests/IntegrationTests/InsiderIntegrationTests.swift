import Actors
import Federation
import FedzProtocol
import Foundation
import Testing

/// A hostile insider: a peer holding a valid, allow-listed node key (node-2's) that speaks the
/// protocol and lies. Every attack is refused and counted by reason, the coordinator keeps
/// running, and the run ends exactly where the same run without the insider ends.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct InsiderIntegrationTests {
    static let arguments = ["--rounds", "3", "--fraction", "0.1", "--expect-clients", "20", "--min-clients", "2"]
        + ClusterIntegrationTests.quick

    @Test func anInsidersAttacksAreRefusedCountedAndChangeNothing() async throws {
        let clean = try await run(attacked: false)
        #expect(clean.rejected.isEmpty, "a run without the insider refuses nothing: \(clean.rejected)")
        let attacked = try await run(attacked: true)
        var rejected = attacked.rejected
        // A flood of 1,000 requests for a model that is not served: the quota lets a burst of 20
        // (and 2 a second) through, to be refused for the version, and refuses the rest.
        let overQuota = rejected.removeValue(forKey: "over_quota") ?? 0
        #expect((970...980).contains(overQuota), "refused for the quota: \(overQuota)")
        #expect(rejected == [
            "spoofed_sender": 3,  // a hello as node-0, a heartbeat locking out node-1, a retrain request as the monitor
            "out_of_range": 6,  // client ids −1 and p − 1, samples past 10⁹ in a hello, two field reports and an update
            "oversized": 1,  // 300 frames in one message
            "forbidden": 1,  // a retrain request in its own name: only the monitor's key may ask
            "unexpected": 1 + (1_000 - overQuota),  // a hello claiming the real nodes' clients; requests let through
        ])
        let (before, after) = (try #require(clean.finalTestAccuracy), try #require(attacked.finalTestAccuracy))
        #expect(abs(before - after) <= 0.005, "accuracy without the insider \(before), with it \(after)")
    }

    /// One 3-round run of two real nodes; with `attacked`, node-2's key attacks before the
    /// nodes join and again once they have.
    private func run(attacked: Bool) async throws -> ClusterHarness.Event {
        let cluster = try ClusterHarness(nodes: 3)
        defer { cluster.tearDown() }
        try await cluster.startCoordinator(Self.arguments)
        let loop = try await IOLoop.start(name: "insider-io")
        defer { Task { await loop.shutdown() } }
        let keys = try CurveKeyPair.load(from: cluster.keyDirectory, name: "node-2")
        let coordinatorKey = try CurveKeyPair.loadPublicKey(from: cluster.keyDirectory, name: "coordinator")
        let insider = try await Pusher(
            loop: loop, connect: cluster.pull, settings: SocketSettings(curve: .client(keys, serverPublicKey: coordinatorKey)))
        func send(_ frames: Multipart) async throws { try await insider.send(frames, timeout: .seconds(10)) }
        func send<Body: Encodable>(_ kind: MessageKind, as sender: String, incarnation: UInt64 = 1, _ body: Body) async throws {
            let header = Header(kind: kind, sender: sender, incarnation: incarnation)
            try await send(WireFormat.encode(try Envelope(topic: .control, header: header, body: body)))
        }
        if attacked {
            let clients = (0..<10).map { ClientInfo(id: $0, samples: 600) }
            try await send(.hello, as: "node-0", Hello(clients: clients, architecture: "mlp"))
            try await send(.heartbeat, as: "node-1", incarnation: .max, Empty())
            try await send(.retrainRequest, as: "monitor", RetrainRequest(alert: 4242, reason: "forged"))
            try await send(.retrainRequest, as: "node-2", RetrainRequest(alert: 4242, reason: "not a node's to ask"))
            for client in [ClientInfo(id: -1, samples: 600), ClientInfo(id: 2_305_843_009_213_693_950, samples: 600),
                           ClientInfo(id: 5, samples: Int.max)] {
                try await send(.hello, as: "node-2", Hello(clients: [client], architecture: "mlp"))
            }
            for _ in 0..<2 {
                try await send(.fieldReport, as: "node-2", FieldObservation(version: 1, accuracy: 0.5, samples: Int.max))
            }
            let update = Header(kind: .update, sender: "node-2", incarnation: 1, round: 1, modelVersion: 0)
            try await send(WireFormat.encode(try Envelope(
                topic: .report, header: update, body: UpdateReport(client: 3, samples: Int.max, trainLoss: 0.1, hash: "x"))))
            try await send(Multipart(repeating: Array("fedz/1/report/".utf8), count: 300))
        }
        try cluster.startNodes(2, clients: 20)
        _ = try await cluster.waitFor("round", silentAtMost: .seconds(180))
        if attacked {
            let stolen = (0..<20).map { ClientInfo(id: $0, samples: 600) }
            try await send(.hello, as: "node-2", Hello(clients: stolen, architecture: "mlp"))
            for _ in 0..<1_000 { try await send(.modelRequest, as: "node-2", ModelRequest(version: 0)) }
        }
        return try await cluster.waitFor("finished", silentAtMost: .seconds(240))
    }
}
