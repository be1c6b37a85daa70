import Federation
import FedzProtocol
import Learning
import Testing

@testable import Node

/// The node's side of SecAgg+ without sockets, clocks or threads: a whole session against the
/// real `SecAggServer`, repeated requests and round starts, stale requests.
@Suite struct SecureParticipantTests {
    let start = ContinuousClock.now
    static let specs = [ParameterSpec(name: "w", shape: [2])]
    static let envelopes = NodeEnvelopes(node: "n1", incarnation: 9, specs: specs)

    static func config(session: Int = 7) -> SecAggConfig {
        SecAggConfig(
            round: session, participants: [1, 2, 3], neighbours: 2, threshold: 2, graphSeed: 5, clippingRange: 1,
            vectorLength: 3, stageTimeout: 5, inputTimeout: 30)
    }

    static func roundStart(session: Int = 7, answered: [Int] = []) -> RoundStart {
        RoundStart(
            round: 4, modelVersion: 3, modelHash: "h", assignments: ["n1": [1, 2, 3]],
            training: TrainingConfig(epochs: 1, batchSize: 1, learningRate: 1, seed: 1), deadlineSeconds: 10,
            answered: answered, secureAggregation: config(session: session), sampleTotal: 30)
    }

    static func fresh() -> SecureParticipant {
        SecureParticipant(envelopes: envelopes, mergesPrototypes: false, resendAfter: .seconds(2))
    }

    /// A request from the coordinator, as the node decodes it.
    static func request<Body: Encodable>(_ kind: MessageKind, _ body: Body) throws -> Envelope {
        let envelope = try Envelope(topic: .node("n1"), header: Header(kind: kind, sender: "coordinator", incarnation: 1), body: body)
        return try WireFormat.decode(WireFormat.encode(envelope))
    }

    /// The frames of `.transmit` directives, decoded; fails on any other directive.
    static func sent(_ directives: [SecureParticipant.Directive]) throws -> [Envelope] {
        try directives.map { directive in
            guard case .transmit(let frames) = directive else { throw WireError(.unexpected, "not a transmit: \(directive)") }
            return try WireFormat.decode(frames)
        }
    }

    static func frames(_ directives: [SecureParticipant.Directive]) -> [Multipart] {
        directives.compactMap { if case .transmit(let frames) = $0 { frames } else { nil } }
    }

    @Test func aWholeSessionAgainstTheServer() throws {
        var node = Self.fresh()
        let round = Self.roundStart()
        var server = try SecAggServer(config: Self.config(), now: start)

        // Stage 1: each hosted client's keys, in the round's header.
        let keys = try Self.sent(node.onRoundStart(round, hosts: { _ in true }, now: start))
        #expect(keys.map(\.header.kind) == [.secaggKeys, .secaggKeys, .secaggKeys])
        #expect(keys.allSatisfy { $0.header.sender == "n1" && $0.header.round == 4 && $0.header.modelVersion == 3 })
        var directive = SecAggServerDirective.wait
        for envelope in keys { directive = try server.onKeys(envelope.body(SecAggPublicKeys.self), now: start) }
        guard case .sendKeyDirectories(let directories) = directive else { Issue.record("\(directive)"); return }

        // Stage 2: the shares, sent once per request until the reply is old.
        var shares: [Int: Multipart] = [:]
        for (client, body) in directories {
            let reply = try node.onRequest(Self.request(.secaggDirectory, body), round: round, now: start)
            #expect(Self.frames(reply).count == 1)
            shares[client] = Self.frames(reply).first
            #expect(try node.onRequest(Self.request(.secaggDirectory, body), round: round, now: start + .seconds(1)).isEmpty)
            #expect(Self.frames(try node.onRequest(Self.request(.secaggDirectory, body), round: round, now: start + .seconds(3))) == [shares[client]!])
        }
        for frames in shares.values {
            directive = try server.onShares(WireFormat.decode(frames).body(SecAggShares.self), now: start)
        }
        guard case .sendShareDeliveries(let deliveries) = directive else { Issue.record("\(directive)"); return }

        // Stage 3: a client masks once both its delivery and its trained delta are there.
        for client in [1, 2, 3] {
            #expect(try node.onRequest(Self.request(.secaggDelivery, deliveries[client]!), round: round, now: start).isEmpty)
            let trained = SecureSession.Trained(delta: [Tensor(shape: [2], values: [0.1, -0.2])], samples: 10, trainLoss: 0.5)
            let ready = node.onTrained(client, session: 7, trained: trained, round: round)
            guard case .mask(client, 7, let masking)? = ready.first, ready.count == 1 else { Issue.record("\(ready)"); return }
            #expect(try node.onRequest(Self.request(.secaggDelivery, deliveries[client]!), round: round, now: start).isEmpty, "masking already")
            let (updated, masked) = try masking.run()
            let maskedInput = try node.onMasked(
                client, session: 7, updated: updated, masked: masked, trainLoss: masking.reportedLoss, round: round, now: start)
            node.onMaskingEnded(client)
            let report = try #require(try Self.sent(maskedInput).first)
            #expect(report.header.kind == .secaggMaskedInput)
            #expect(try report.body(MaskedInputReport.self) == MaskedInputReport(round: 7, client: client, trainLoss: 0.5))
            #expect(report.tensors.first?.words == masked.values)
            #expect(node.onTrained(client, session: 7, trained: trained, round: round).isEmpty, "masked once only")
            #expect(
                Self.frames(try node.onRequest(Self.request(.secaggDelivery, deliveries[client]!), round: round, now: start + .seconds(3)))
                    == Self.frames(maskedInput))
            directive = try server.onMaskedInput(masked, now: start)
        }
        guard case .sendUnmaskRequests(let requests) = directive else { Issue.record("\(directive)"); return }

        // Stage 4: the reveals give the server the sum.
        for (_, request) in requests.sorted(by: { $0.key < $1.key }) {
            let reveal = try #require(try Self.sent(node.onRequest(Self.request(.secaggUnmask, request), round: round, now: start)).first)
            #expect(reveal.header.kind == .secaggReveal)
            directive = try server.onUnmaskReply(reveal.body(SecAggUnmaskReply.self), now: start)
        }
        guard case .finished(let sum) = directive else { Issue.record("\(directive)"); return }
        #expect(sum.contributors == [1, 2, 3])
    }

    @Test func aRepeatedRoundStartResendsTheKeysNotAnsweredOnceOld() throws {
        var node = Self.fresh()
        let keys = Self.frames(node.onRoundStart(Self.roundStart(), hosts: { $0 != 3 }, now: start))
        #expect(try keys.map { try WireFormat.decode($0).body(SecAggPublicKeys.self).client } == [1, 2], "client 3 is not hosted")
        #expect(node.onRoundStart(Self.roundStart(answered: [1]), hosts: { _ in true }, now: start + .seconds(1)).isEmpty)
        #expect(Self.frames(node.onRoundStart(Self.roundStart(answered: [1]), hosts: { _ in true }, now: start + .seconds(3))) == [keys[1]])

        let retry = node.onRoundStart(Self.roundStart(session: 8), hosts: { _ in true }, now: start + .seconds(3))
        #expect(retry.count == 3, "a new session sends new keys for every hosted client")
        #expect(node.session?.session == 8)
    }

    @Test func requestsOutsideTheSessionAreRejected() throws {
        var node = Self.fresh()
        let unmask = SecAggUnmaskRequest(round: 7, client: 1, survivors: [1, 2], dropped: [])
        #expect(throws: WireError.self) { try node.onRequest(Self.request(.secaggUnmask, unmask), round: Self.roundStart(), now: start) }
        _ = node.onRoundStart(Self.roundStart(), hosts: { $0 != 3 }, now: start)
        #expect(throws: WireError.self) { try node.onRequest(Self.request(.secaggUnmask, unmask), round: nil, now: start) }
        let otherSession = SecAggUnmaskRequest(round: 6, client: 1, survivors: [1, 2], dropped: [])
        #expect(throws: WireError.self) { try node.onRequest(Self.request(.secaggUnmask, otherSession), round: Self.roundStart(), now: start) }
        let notHosted = SecAggUnmaskRequest(round: 7, client: 3, survivors: [1, 3], dropped: [])
        #expect(throws: WireError.self) { try node.onRequest(Self.request(.secaggUnmask, notHosted), round: Self.roundStart(), now: start) }
        #expect(throws: WireError.self, "a client still at stage 1 cannot unmask") {
            try node.onRequest(Self.request(.secaggUnmask, unmask), round: Self.roundStart(), now: start)
        }
        node.onCoordinatorRestarted()
        #expect(node.session == nil)
        #expect(node.onTrained(1, session: 7, trained: .init(delta: [], samples: 1, trainLoss: 0), round: Self.roundStart()).isEmpty)
    }

    @Test func aPlainRoundStartOpensNoSession() {
        var node = Self.fresh()
        var plain = Self.roundStart()
        plain.secureAggregation = nil
        #expect(node.onRoundStart(plain, hosts: { _ in true }, now: start).isEmpty)
        #expect(node.session == nil)
    }
}
