import Federation
import FedzProtocol
import Foundation
import Testing

@testable import Orchestrator

/// The authenticated fuzzer's message generator: valid envelopes, reproducible from a seed,
/// every kind, and outcomes that agree with the coordinator's own decoding and checks.
@Suite struct AdversarialMessagesTests {
    static let cast = Result { try FuzzCast(keys: 4) }

    /// `count` messages from each of keys 0 (control lane) and 1 (report lane).
    static func messages(_ count: Int, seed: UInt64 = 7) throws -> [(key: Int, message: AdversarialMessage)] {
        let cast = try Self.cast.get()
        return (0..<2).flatMap { key in
            var generator = AdversarialMessages(cast: cast, key: key, seed: seed)
            return (0..<count).map { _ in (key, generator.next()) }
        }
    }

    @Test func everyMessageIsAValidEnvelope() throws {
        for (key, message) in try Self.messages(5_000) {
            let frames = message.frames
            let topic = String(decoding: frames[0], as: UTF8.self)
            #expect(topic == (key == 0 ? Topic.control : Topic.report).rawValue)
            let header = try JSONDecoder().decode(EnvelopeShape.self, from: Data(frames[1]))
            #expect(header.protocolVersion == 1 && header.kind == message.kind)
            #expect(header.tensors.count == frames.count - 2, "one frame per tensor descriptor")
            for (descriptor, frame) in zip(header.tensors, frames.dropFirst(2)) {
                let shape = descriptor.shape
                let (elements, overflow) = shape.reduce((1, false)) { partial, dimension in
                    let (product, over) = partial.0.multipliedReportingOverflow(by: dimension)
                    return (product, partial.1 || over)
                }
                if shape.allSatisfy({ $0 > 0 }), !overflow, elements <= 64 << 20 {
                    #expect(frame.count == 4 * elements, "frame length of \(shape)")
                }
            }
            if case .failure(let error) = Result(catching: { () throws(WireError) in try WireFormat.decode(frames) }) {
                #expect(![.malformed, .frameCount, .truncated, .wrongVersion].contains(error.reason), "\(error)")
            }
        }
    }

    /// Outcomes settled on arrival are the ones the coordinator's decoding (`Inbound.decode`,
    /// after the transport's size limits) reaches; every other message gets through it, and its
    /// outcome is what the quota, the key's role, the failure detector and the handler's checks
    /// make of it.
    @Test func outcomesAreTheCoordinatorsOwn() throws {
        let cast = try Self.cast.get()
        var detector = FailureDetector(interval: .seconds(3600))
        var modelRequests: [Int: Int] = [:]
        for (key, message) in try Self.messages(5_000) {
            let decoded = message.frames.count > 258
                ? .failure(WireError(.oversized, "frames"))
                : Inbound.decode(message.frames, peer: cast.name(key), specs: cast.specs, arrival: .now)
            switch decoded {
            case .failure(let error):
                #expect(message.settledOnArrival && message.outcome == error.reason.rawValue,
                        "\(message.kind) expected \(message.outcomeKey), decoded as \(error)")
            case .success(let inbound):
                #expect(!message.settledOnArrival, "\(message.kind) expected \(message.outcomeKey), decoded")
                let header = inbound.envelope.header
                var outcomes: Set<String>
                if header.kind == .modelRequest { modelRequests[key, default: 0] += 1 }
                if header.kind == .modelRequest, modelRequests[key, default: 0] > 20 {
                    // Past its burst the quota may refuse it before the detector: it must not change what the detector holds.
                    let known = try #require(detector.incarnation(of: header.sender))
                    #expect(header.incarnation <= known)
                    outcomes = ["over_quota", header.incarnation < known ? "unexpected" : Self.outcome(of: inbound.envelope)]
                } else if !PeerRole.node.maySend(header.kind) {
                    outcomes = ["forbidden"]
                } else if header.kind.isSignOfLife,
                          detector.onHeartbeat(from: header.sender, incarnation: header.incarnation, now: .now) == .stale {
                    outcomes = ["unexpected"]
                } else {
                    outcomes = [Self.outcome(of: inbound.envelope)]
                }
                #expect(message.outcomes == outcomes, "\(message.kind) expected \(message.outcomeKey), handled as \(outcomes)")
            }
        }
    }

    @Test func aSeedFixesTheMessagesAndTheirOutcomes() throws {
        let cast = try Self.cast.get()
        func run(_ seed: UInt64) -> [(Multipart, Set<String>)] {
            var generator = AdversarialMessages(cast: cast, key: 1, seed: seed)
            return (0..<2_000).map { _ in
                let message = generator.next()
                return (message.frames, message.outcomes)
            }
        }
        let (first, again, other) = (run(3), run(3), run(4))
        #expect(first.elementsEqual(again) { $0.0 == $1.0 && $0.1 == $1.1 })
        #expect(!first.elementsEqual(other) { $0.0 == $1.0 })
    }

    @Test func coversEveryKindAndEveryReason() throws {
        let messages = try Self.messages(5_000)
        let kinds = Set(messages.map(\.message.kind))
        let cast = try Self.cast.get()
        let listed = (0..<2).flatMap { AdversarialMessages(cast: cast, key: $0, seed: 1).kinds.map(\.1.rawValue) }
        #expect(kinds == Set(listed))
        for kind in ["hello", "heartbeat", "model_request", "field_report", "training_failed", "retrain_request", "update",
                     "secagg_keys", "secagg_shares", "secagg_masked_input", "secagg_reveal"] {
            #expect(kinds.contains(kind), "\(kind)")
        }
        let outcomes = Set(messages.flatMap(\.message.outcomes))
        for outcome in ["accepted", "spoofed_sender", "bad_header", "out_of_range", "bad_body", "bad_shape", "non_finite",
                        "oversized", "checksum", "forbidden", "unexpected", "stale_update", "over_quota"] {
            #expect(outcomes.contains(outcome), "\(outcome)")
        }
    }

    @Test func theClosingHelloIsAcceptedAndListsItsOwnCount() throws {
        let cast = try Self.cast.get()
        var generator = AdversarialMessages(cast: cast, key: 2, seed: 1)
        for _ in 0..<500 { _ = generator.next() }
        let closing = generator.closing()
        let envelope = try WireFormat.decode(closing.frames)
        let hello = try envelope.body(Hello.self)
        try hello.validate()
        #expect(envelope.header.sender == "node-2" && closing.outcome == "accepted")
        #expect(envelope.header.incarnation >= generator.known ?? 0)
        #expect(hello.clients.count == FuzzCast.closingClientCount)
    }

    @Test func countsAreAdmittedWithinWhatTheQuotaLeavesOpen() {
        let tally = FuzzTally(
            sent: 10, outcomes: ["accepted": 3, "spoofed_sender": 4, "accepted|over_quota": 2, "over_quota|unexpected": 1])
        #expect(tally.admits(rejected: ["spoofed_sender": 4, "over_quota": 2, "unexpected": 1]))
        #expect(tally.admits(rejected: ["spoofed_sender": 4, "over_quota": 3]))
        #expect(tally.admits(rejected: ["spoofed_sender": 4, "unexpected": 1]))
        #expect(!tally.admits(rejected: ["spoofed_sender": 3, "over_quota": 3, "unexpected": 1]))
        #expect(!tally.admits(rejected: ["spoofed_sender": 4, "over_quota": 2, "handshake_refused": 1]))
    }

    @Test func readsRejectionsFromTheMetricsAndBodiesFromResponses() throws {
        let exposition = """
            # HELP fedz_messages_rejected_total Received messages rejected.
            # TYPE fedz_messages_rejected_total counter
            fedz_messages_rejected_total{reason="spoofed_sender"} 12
            fedz_messages_rejected_total{reason="out_of_range"} 3
            fedz_messages_received_total 40
            """
        let counters = CoordinatorProbe.counters(exposition: exposition)
        #expect(counters.rejected == ["spoofed_sender": 12, "out_of_range": 3] && counters.received == 40)
        let chunked = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\n, x\r\n0\r\n\r\n".utf8)
        #expect(try LoopbackHTTP.body(of: chunked, path: "/") == "hello, x")
        let plain = Array("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".utf8)
        #expect(throws: FedzError.self) { try LoopbackHTTP.body(of: plain, path: "/") }
    }

    /// The fields every header has, of the types every header has them in; the incarnation
    /// need only be there.
    struct EnvelopeShape: Decodable {
        var protocolVersion: Int
        var kind: String
        var sender: String
        var tensors: [TensorDescriptor]

        enum CodingKeys: String, CodingKey { case protocolVersion, kind, sender, incarnation, tensors }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard container.contains(.incarnation) else {
                throw DecodingError.keyNotFound(CodingKeys.incarnation, .init(codingPath: [], debugDescription: "no incarnation"))
            }
            protocolVersion = try container.decode(Int.self, forKey: .protocolVersion)
            kind = try container.decode(String.self, forKey: .kind)
            sender = try container.decode(String.self, forKey: .sender)
            tensors = try container.decode([TensorDescriptor].self, forKey: .tensors)
        }
    }

    /// What a coordinator waiting for clients does with a decoded message in its sender's own
    /// name, past quota and failure detector: the checks of `Coordinator.handle`, with the
    /// victim hosting `FuzzCast.victimClients`, no round open and version 1 (a fresh registry's
    /// first) the only one served.
    static func outcome(of envelope: Envelope) -> String {
        do throws(WireError) {
            switch envelope.header.kind {
            case .hello:
                let hello = try envelope.body(Hello.self)
                try hello.validate()
                let victim = Set(FuzzCast.victimClients.map(\.id))
                guard hello.architecture == "mlp", !hello.clients.contains(where: { victim.contains($0.id) }) else { return "unexpected" }
            case .heartbeat, .definitionRequest: break
            case .evaluationReport:
                // Checked, then refused: no key hosts the clients it reports on (`AdversarialMessages`).
                try envelope.body(EvaluationReport.self).validate()
                return "unexpected"
            case .modelRequest:
                guard try envelope.body(ModelRequest.self).version == 1 else { return "unexpected" }
            case .fieldReport:
                let observation = try envelope.body(FieldObservation.self)
                try observation.validate()
                // The registry of a coordinator that has not trained holds version 1 alone.
                guard observation.version == 1, (observation.candidateVersion ?? 1) == 1 else { return "unexpected" }
            case .trainingFailed: try envelope.body(TrainingFailure.self).validate()
            case .retrainRequest:
                _ = try envelope.body(RetrainRequest.self)
                return "unexpected"
            case .update, .secaggKeys, .secaggShares, .secaggMaskedInput, .secaggReveal: return "stale_update"
            default: return "unexpected"
            }
            return "accepted"
        } catch {
            return error.reason.rawValue
        }
    }
}
