import Federation
import FedzProtocol
import Testing

@testable import Orchestrator

/// The coordinator's shell state of a secure round, on explicit instants: each client's message
/// of a new stage goes to the node hosting it, is sent again while the client is awaited, and a
/// dead node's clients are written off.
@Suite struct SecureRoundTests {
    let start = ContinuousClock.now
    /// Clients 0 and 1 on node-0, 2 and 3 on node-1.
    let hosts: [Int: (node: String, samples: Int)] = [0: ("node-0", 10), 1: ("node-0", 20), 2: ("node-1", 30), 3: ("node-1", 40)]

    func round() throws -> SecureRound {
        let config = SecureAggregationSettings(neighbours: 4, threshold: .count(3), clippingRange: 1).config(
            session: 7, participants: [0, 1, 2, 3], vectorLength: 5, graphSeed: 1, stageTimeout: 10, inputTimeout: 60)
        return SecureRound(
            server: try SecAggServer(config: config, now: start),
            aggregation: SecureFedAvg(config: config, sampleTotal: 100, privacy: nil, mergesPrototypes: false, expectedClients: nil),
            hosts: hosts, now: start)
    }

    func header(_ kind: MessageKind) -> Header {
        Header(kind: kind, sender: "coordinator", incarnation: 1, round: 3, modelVersion: 2)
    }

    @Test func aStagesMessagesGoToEachClientsNodeAndAgainWhileItIsAwaited() throws {
        var round = try round()
        let opened = start + .seconds(2)
        let sent = round.onDirective(
            .sendKeyDirectories(Dictionary(uniqueKeysWithValues: (0...3).map { ($0, SecAggKeyDirectory(round: 7, client: $0, keys: [])) })),
            closing: .advertiseKeys, now: opened, header: header)
        #expect(sent.map(\.topic) == [.node("node-0"), .node("node-0"), .node("node-1"), .node("node-1")])
        #expect(sent.allSatisfy { $0.header.kind == .secaggDirectory && $0.header.round == 3 })
        #expect(try sent.map { try $0.body(SecAggKeyDirectory.self).client } == [0, 1, 2, 3])
        #expect(round.stageSeconds == ["advertise_keys": 2])
        #expect(round.outcome == nil)

        // Nothing is due before the interval has passed since the sending; then every client the
        // server still awaits (none has advertised keys to it in this test) is sent its message again.
        #expect(round.dueResends(now: opened + .milliseconds(999), every: .seconds(1)).isEmpty)
        #expect(round.dueResends(now: opened + .seconds(1), every: .seconds(1)).count == round.server.awaited.count)
        #expect(round.dueResends(now: opened + .seconds(1), every: .seconds(1)).isEmpty, "sent again just now")
        #expect(round.nextWake(resend: .seconds(1)) == min(round.server.deadline, opened + .seconds(2)))
    }

    @Test func aDeadNodesClientsAreWrittenOffAndAnOutcomeEndsTheSending() throws {
        var round = try round()
        round.onNodeLost("node-1")
        round.onNodeLost("node-9")
        #expect(round.newlyLost == [2, 3])
        let abort = SecAggAbort(stage: .advertiseKeys, reason: "too few")
        #expect(round.onDirective(.aborted(abort), closing: .advertiseKeys, now: start + .seconds(1), header: header).isEmpty)
        #expect(round.outcome == .aborted(abort))
        #expect(round.onDirective(.wait, closing: .advertiseKeys, now: start + .seconds(2), header: header).isEmpty)
        #expect(round.stageSeconds == ["advertise_keys": 1], "a wait closes no stage")
    }
}

/// What a node's SecAgg+ message does to the session, checked before the server sees it.
@Suite struct SecureRoundMessageTests {
    let base = SecureRoundTests()

    func keys(client: Int, session: Int = 7, from node: String) throws -> Envelope {
        try Envelope(
            topic: .control, header: Header(kind: .secaggKeys, sender: node, incarnation: 1, round: 3),
            body: SecAggPublicKeys(round: session, client: client, encryptionKey: [], maskingKey: []))
    }

    /// Why `round` refuses `envelope`; nil when it takes it.
    func refusal(_ envelope: Envelope, by round: inout SecureRound) -> WireError.Reason? {
        do throws(WireError) {
            _ = try round.event(for: envelope)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func aMessageForAnotherNodesClientOrAnotherSessionIsRefused() throws {
        var round = try base.round()
        #expect(refusal(try keys(client: 0, session: 6, from: "node-0"), by: &round) == .staleUpdate)
        #expect(refusal(try keys(client: 2, from: "node-0"), by: &round) == .unexpected, "node-0 speaks for node-1's client")
        #expect(refusal(try keys(client: 2, from: "node-1"), by: &round) == nil)
    }

    @Test func aMaskedInputOfTheWrongShapeIsRefusedAndItsLossIsNotKept() throws {
        var round = try base.round()
        let header = Header(kind: .secaggMaskedInput, sender: "node-0", incarnation: 1, round: 3)
        let wrong = try Envelope(
            topic: .control, header: header, body: MaskedInputReport(round: 7, client: 0, trainLoss: 0.5),
            tensors: [WireTensor(name: MaskedInputReport.tensorName, shape: [4], words: [0, 0, 0, 0])])
        #expect(refusal(wrong, by: &round) == .badShape, "4 words for a vector of 5")
        #expect(round.trainLosses.isEmpty)
        let right = try Envelope(
            topic: .control, header: header, body: MaskedInputReport(round: 7, client: 0, trainLoss: 0.5),
            tensors: [WireTensor(name: MaskedInputReport.tensorName, shape: [5], words: [0, 0, 0, 0, 0])])
        #expect(refusal(right, by: &round) == nil)
        #expect(round.trainLosses == [0: 0.5])
    }

    @Test func lookingAtABusySessionLeavesItAloneAndADeadNodeIsToldOnce() throws {
        var round = try base.round()
        round.busy = true
        round.onNodeLost("node-1")
        guard case .busy = round.look() else {
            Issue.record("a busy session was driven")
            return
        }
        #expect(round.newlyLost == [2, 3], "kept for when the server is back")
        round.busy = false
        guard case .running(let dropout) = round.look() else {
            Issue.record("a running session was not driven")
            return
        }
        #expect(round.newlyLost.isEmpty)
        var server = round.server
        _ = try dropout(&server, base.start)
        #expect(server.lost == [2, 3])
        guard case .running = round.look() else {
            Issue.record("a running session was not ticked")
            return
        }
    }
}
