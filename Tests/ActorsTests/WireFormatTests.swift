import Foundation
import Testing

import FedzProtocol
@testable import Actors

private struct Sample: Codable, Equatable {
    var client: Int
    var note: String
}

private func sampleEnvelope(tensors: [WireTensor] = [
    WireTensor(name: "w", shape: [2, 3], values: [1, -2, 3.5, 0, 1e-7, -0]),
    WireTensor(name: "b", shape: [3], values: [0.25, 0.5, 0.75]),
]) throws -> Envelope {
    try Envelope(
        topic: .report,
        header: Header(kind: MessageKind("update"), sender: "node-1", incarnation: 42, round: 3, modelVersion: 2),
        body: Sample(client: 7, note: "hello"), tensors: tensors)
}

@Suite struct WireFormatTests {
    @Test func roundTripKeepsHeaderBodyAndTensors() throws {
        let envelope = try sampleEnvelope()
        let frames = WireFormat.encode(envelope)
        #expect(frames.count == 4)
        let decoded = try WireFormat.decode(frames)
        #expect(decoded.topic == .report)
        #expect(decoded.header == envelope.header)
        #expect(decoded.header.tensors == [
            TensorDescriptor(name: "w", shape: [2, 3]), TensorDescriptor(name: "b", shape: [3]),
        ])
        #expect(decoded.tensors == envelope.tensors)
        #expect(try decoded.body(Sample.self) == Sample(client: 7, note: "hello"))
    }

    @Test func tensorFramesAreLittleEndianFloat32() {
        #expect(WireFormat.littleEndianBytes([1.0, -2.0]) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    @Test func headerIsJSONWithProtocolVersion() throws {
        let frames = WireFormat.encode(try sampleEnvelope())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(frames[1])) as? [String: Any])
        #expect(object["protocolVersion"] as? Int == WireFormat.protocolVersion)
        #expect(object["kind"] as? String == "update")
        #expect((object["body"] as? [String: Any])?["client"] as? Int == 7)
    }

    /// Every malformed-input class is rejected with its own reason.
    @Test(arguments: [
        ("no frames", [], WireError.Reason.malformed),
        ("topic only", [Array("fedz/1/report/".utf8)], .malformed),
        ("foreign topic", [Array("other/".utf8), Array("{}".utf8)], .malformed),
        ("random bytes header", [Array("fedz/1/report/".utf8), [0xFF, 0x00, 0x13, 0x37]], .badHeader),
        ("empty JSON header", [Array("fedz/1/report/".utf8), Array("{}".utf8)], .badHeader),
    ] as [(String, [[UInt8]], WireError.Reason)])
    func rejectsMalformedFrames(_ label: String, frames: [[UInt8]], reason expected: WireError.Reason) {
        #expect(reason(of: frames) == expected, "\(label)")
    }

    @Test func rejectsWrongProtocolVersion() throws {
        var frames = WireFormat.encode(try sampleEnvelope())
        let text = String(decoding: frames[1], as: UTF8.self)
            .replacingOccurrences(of: "\"protocolVersion\":1", with: "\"protocolVersion\":99")
        frames[1] = Array(text.utf8)
        #expect(reason(of: frames) == .wrongVersion)
    }

    @Test(arguments: [
        ("node-1\nlevel=error forged", WireError.Reason.badHeader), ("", .badHeader),
        (String(repeating: "n", count: 65), .badHeader), ("<img src=x>", .badHeader),
        (String(repeating: "n", count: 64), nil), ("node_1.a-B", nil),
    ] as [(String, WireError.Reason?)])
    func sendersAreShortPlainIdentifiers(_ sender: String, expected: WireError.Reason?) throws {
        let envelope = try Envelope(
            topic: .report, header: Header(kind: MessageKind("heartbeat"), sender: sender, incarnation: 1), body: Sample(client: 1, note: ""))
        #expect(reason(of: WireFormat.encode(envelope)) == expected)
    }

    @Test(arguments: [
        (-1, 0, WireError.Reason.outOfRange), (0, -1, .outOfRange), (Int(Int32.max) + 1, 0, .outOfRange),
        (0, Int(Int32.max) + 1, .outOfRange), (Int(Int32.max), Int(Int32.max), nil), (0, 0, nil),
    ] as [(Int, Int, WireError.Reason?)])
    func roundsAndVersionsStayInRange(_ round: Int, _ version: Int, expected: WireError.Reason?) throws {
        let header = Header(kind: MessageKind("heartbeat"), sender: "node-1", incarnation: 1, round: round, modelVersion: version)
        let envelope = try Envelope(topic: .report, header: header, body: Sample(client: 1, note: ""))
        #expect(reason(of: WireFormat.encode(envelope)) == expected)
    }

    @Test func rejectsTruncatedTensorFrame() throws {
        var frames = WireFormat.encode(try sampleEnvelope())
        frames[2].removeLast(3)
        #expect(reason(of: frames) == .truncated)
    }

    @Test func rejectsMissingAndExtraFrames() throws {
        var frames = WireFormat.encode(try sampleEnvelope())
        frames.removeLast()
        #expect(reason(of: frames) == .frameCount)
        frames = WireFormat.encode(try sampleEnvelope())
        frames.append([0, 0, 0, 0])
        #expect(reason(of: frames) == .frameCount)
    }

    @Test func rejectsBadShapesAndTypes() throws {
        let envelope = try sampleEnvelope(tensors: [WireTensor(name: "w", shape: [1], values: [1])])
        var frames = WireFormat.encode(envelope)
        for (from, to, expected) in [
            ("\"shape\":[1]", "\"shape\":[0]", WireError.Reason.badShape),
            ("\"shape\":[1]", "\"shape\":[-1]", .badShape),
            ("\"float32\"", "\"float64\"", .badShape),
            ("\"shape\":[1]", "\"shape\":[4294967296,4294967296]", .oversized),
            ("\"shape\":[1]", "\"shape\":[2]", .truncated),
        ] {
            frames = WireFormat.encode(envelope)
            frames[1] = Array(String(decoding: frames[1], as: UTF8.self).replacingOccurrences(of: from, with: to).utf8)
            #expect(reason(of: frames) == expected, "\(to)")
        }
    }

    @Test func uint32TensorsRoundTripWithTheirDtype() throws {
        let words: [UInt32] = [0, 1, 0x7FC0_0000, 0x7F80_0000, .max]  // float32 NaN and ∞ patterns are plain words
        let envelope = try sampleEnvelope(tensors: [
            WireTensor(name: "masked", shape: [5], words: words), WireTensor(name: "b", shape: [1], values: [2]),
        ])
        let frames = WireFormat.encode(envelope)
        #expect(frames[2] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0xC0, 0x7F, 0, 0, 0x80, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF])
        let decoded = try WireFormat.decode(frames)
        #expect(decoded.header.tensors.map(\.dtype) == ["uint32", "float32"])
        #expect(decoded.tensors == envelope.tensors)
        #expect(decoded.tensors[0].words == words && decoded.tensors[0].values.isEmpty)
        #expect(decoded.tensors[1].words.isEmpty)
    }

    @Test func uint32TensorsAreCheckedForLengthAndShape() throws {
        let envelope = try sampleEnvelope(tensors: [WireTensor(name: "masked", shape: [2], words: [7, 8])])
        var frames = WireFormat.encode(envelope)
        frames[2].removeLast()
        #expect(reason(of: frames) == .truncated)
        for (from, to, expected) in [
            ("\"shape\":[2]", "\"shape\":[0]", WireError.Reason.badShape),
            ("\"uint32\"", "\"uint64\"", .badShape),
            ("\"shape\":[2]", "\"shape\":[3]", .truncated),
        ] {
            frames = WireFormat.encode(envelope)
            frames[1] = Array(String(decoding: frames[1], as: UTF8.self).replacingOccurrences(of: from, with: to).utf8)
            #expect(reason(of: frames) == expected, "\(to)")
        }
        #expect(reason(of: WireFormat.encode(envelope), limits: .init(maxElements: 1)) == .oversized)
    }

    @Test func rejectsNonFiniteValues() throws {
        for bad in [Float.nan, .infinity, -.infinity] {
            let frames = WireFormat.encode(try sampleEnvelope(tensors: [WireTensor(name: "w", shape: [2], values: [1, bad])]))
            #expect(reason(of: frames) == .nonFinite)
        }
    }

    @Test func rejectsOversizedHeaderAndTooManyTensors() throws {
        let frames = WireFormat.encode(try sampleEnvelope())
        #expect(reason(of: frames, limits: .init(maxHeaderBytes: 16)) == .oversized)
        #expect(reason(of: frames, limits: .init(maxTensors: 1)) == .oversized)
        #expect(reason(of: frames, limits: .init(maxElements: 4)) == .oversized)
    }

    @Test func badBodyIsReportedWhenDecodingTheBody() throws {
        let decoded = try WireFormat.decode(WireFormat.encode(try sampleEnvelope()))
        struct Other: Decodable { var missing: String }
        #expect(throws: WireError.self) { _ = try decoded.body(Other.self) }
    }

    @Test func rejectionCounterReportsEachReasonOnce() {
        var counter = RejectionCounter()
        let first = counter.record(.badHeader)
        let second = counter.record(.badHeader)
        let other = counter.record(.truncated)
        #expect(first && !second && other)
        #expect(counter.counts == ["bad_header": 2, "truncated": 1])
        #expect(counter.total == 3)
    }

    @Test func topicsEndInSlashAndDoNotPrefixMatch() {
        #expect(Topic.node("7").rawValue == "fedz/1/node/7/")
        #expect(!Topic.node("70").rawValue.hasPrefix(Topic.node("7").rawValue))
        for topic in [Topic.round, .model, .metrics, .report] { #expect(topic.rawValue.hasSuffix("/")) }
    }

    private func reason(of frames: [[UInt8]], limits: WireFormat.Limits = .init()) -> WireError.Reason? {
        do {
            _ = try WireFormat.decode(frames, limits: limits)
            return nil
        } catch {
            return error.reason
        }
    }
}
