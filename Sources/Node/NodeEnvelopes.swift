import Federation
import FedzProtocol
import Learning

/// How a node's messages go on the wire, as a pure value: every header names the node and its
/// incarnation (and the round and model version it answers), small messages go on the control
/// topic, reports (updates, failures, SecAgg+ replies) on the report topic with their tensors.
/// Encoding only: nothing here sends.
struct NodeEnvelopes: Sendable {
    let node: String
    let incarnation: UInt64
    /// The model's parameter specs, in which deltas go on the wire.
    let specs: [ParameterSpec]

    func header(_ kind: MessageKind, round: RoundStart? = nil) -> Header {
        Header(kind: kind, sender: node, incarnation: incarnation, round: round?.round, modelVersion: round?.modelVersion)
    }

    /// A small message on the control topic (hello, heartbeat, requests, field reports, a
    /// client that cannot train); nil if its body does not encode.
    func control<Body: Encodable>(_ kind: MessageKind, round: RoundStart? = nil, body: Body) -> Multipart? {
        guard let envelope = try? Envelope(topic: .control, header: header(kind, round: round), body: body) else { return nil }
        return WireFormat.encode(envelope)
    }

    /// A report on the report topic, in answer to `round`.
    func report<Body: Encodable>(
        _ kind: MessageKind, round: RoundStart, body: Body, tensors: [WireTensor] = []
    ) throws -> Multipart {
        WireFormat.encode(try Envelope(topic: .report, header: header(kind, round: round), body: body, tensors: tensors))
    }

    /// A trained client's update: its sample count, loss and the delta's content hash, then the delta.
    func update(client: Int, samples: Int, trainLoss: Double, delta: [Tensor], round: RoundStart) throws -> Multipart {
        let body = UpdateReport(client: client, samples: samples, trainLoss: trainLoss, hash: ModelCodec.contentHash(delta))
        return try report(.update, round: round, body: body, tensors: ModelCodec.wireTensors(delta, specs: specs))
    }

    /// A client's masked input for the SecAgg+ session, with its loss unless the round is private.
    func maskedInput(_ masked: SecAggMaskedInput, trainLoss: Double?, round: RoundStart) throws -> Multipart {
        let body = MaskedInputReport(round: masked.round, client: masked.client, trainLoss: trainLoss)
        let tensor = WireTensor(name: MaskedInputReport.tensorName, shape: [masked.values.count], words: masked.values)
        return try report(.secaggMaskedInput, round: round, body: body, tensors: [tensor])
    }
}
