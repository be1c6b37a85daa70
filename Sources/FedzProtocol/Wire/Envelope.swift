import Foundation

/// A decoded (or to-be-encoded) message: topic, header, kind-specific body and tensors.
public struct Envelope: Sendable {
    public var topic: Topic
    public var header: Header
    /// The header frame's JSON bytes; the body is decoded from them on demand.
    public var headerJSON: [UInt8]
    public var tensors: [WireTensor]

    /// Builds an envelope with a kind-specific body; tensor descriptors are filled in
    /// from `tensors`.
    public init<Body: Encodable>(
        topic: Topic, header: Header, body: Body, tensors: [WireTensor] = []
    ) throws {
        var header = header
        header.tensors = tensors.map(\.descriptor)
        self.topic = topic
        self.header = header
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // the same message always encodes to the same bytes
        self.headerJSON = Array(try encoder.encode(HeaderDocument(header: header, body: body)))
        self.tensors = tensors
    }

    init(topic: Topic, header: Header, headerJSON: [UInt8], tensors: [WireTensor]) {
        self.topic = topic
        self.header = header
        self.headerJSON = headerJSON
        self.tensors = tensors
    }

    /// Decodes the kind-specific body; a missing or ill-typed body is a `WireError`
    /// with reason `.badBody`.
    public func body<Body: Decodable>(_ type: Body.Type) throws(WireError) -> Body {
        do {
            return try JSONDecoder().decode(BodyDocument<Body>.self, from: Data(headerJSON)).body
        } catch {
            throw WireError(.badBody, "\(header.kind): \(error)")
        }
    }
}

/// Header fields and `body` flattened into one JSON object.
private struct HeaderDocument<Body: Encodable>: Encodable {
    let header: Header
    let body: Body

    enum Key: String, CodingKey { case body }

    func encode(to encoder: any Encoder) throws {
        try header.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(body, forKey: .body)
    }
}

private struct BodyDocument<Body: Decodable>: Decodable {
    let body: Body
}
