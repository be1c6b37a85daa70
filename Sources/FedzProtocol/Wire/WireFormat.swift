import Foundation

/// Encoding and decoding of multipart messages: `[topic][header JSON][tensor]...`.
/// Pure: no sockets. Decoding validates everything it can without knowing the model.
public enum WireFormat {
    /// The protocol version this build speaks.
    public static let protocolVersion = 1
    /// Tensor element types: IEEE 754 single precision, for weights and deltas.
    public static let float32 = "float32"
    /// Unsigned 32-bit integers, for the masked inputs of secure aggregation.
    public static let uint32 = "uint32"

    /// Bounds applied before any allocation that a sender controls.
    public struct Limits: Sendable, Equatable {
        public var maxHeaderBytes: Int
        public var maxTensors: Int
        public var maxElements: Int

        public init(maxHeaderBytes: Int = 1 << 20, maxTensors: Int = 256, maxElements: Int = 64 << 20) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxTensors = maxTensors
            self.maxElements = maxElements
        }
    }

    /// Encodes an envelope into frames ready to send.
    public static func encode(_ envelope: Envelope) -> [[UInt8]] {
        var frames: [[UInt8]] = [Array(envelope.topic.rawValue.utf8), envelope.headerJSON]
        frames.reserveCapacity(2 + envelope.tensors.count)
        for tensor in envelope.tensors {
            switch tensor.elements {
            case .float32(let values): frames.append(littleEndianBytes(values))
            case .uint32(let words): frames.append(littleEndianBytes(words))
            }
        }
        return frames
    }

    /// Decodes and validates frames; throws a `WireError` naming the reason.
    public static func decode(_ frames: [[UInt8]], limits: Limits = Limits()) throws(WireError) -> Envelope {
        guard frames.count >= 2 else {
            throw WireError(.malformed, "\(frames.count) frame(s), need at least topic and header")
        }
        guard let topicString = String(validating: frames[0], as: UTF8.self),
              topicString.hasPrefix("fedz/"), topicString.hasSuffix("/")
        else { throw WireError(.malformed, "topic frame is not a fedz topic") }
        let headerBytes = frames[1]
        guard headerBytes.count <= limits.maxHeaderBytes else {
            throw WireError(.oversized, "header of \(headerBytes.count) bytes")
        }
        let header = try decodeHeader(headerBytes)
        guard header.protocolVersion == protocolVersion else {
            throw WireError(.wrongVersion, "protocol version \(header.protocolVersion), expected \(protocolVersion)")
        }
        guard WireBounds.isValidSender(header.sender) else {
            throw WireError(.badHeader, "sender id of \(header.sender.utf8.count) bytes outside A–Z a–z 0–9 . _ -")
        }
        for (value, field) in [(header.round, "round"), (header.modelVersion, "model version")] {
            if let value { try WireBounds.check(value, in: WireBounds.counter, field) }
        }
        guard header.tensors.count <= limits.maxTensors else {
            throw WireError(.oversized, "\(header.tensors.count) tensors")
        }
        guard frames.count == 2 + header.tensors.count else {
            throw WireError(.frameCount, "\(frames.count - 2) tensor frame(s) for \(header.tensors.count) descriptor(s)")
        }
        var tensors: [WireTensor] = []
        tensors.reserveCapacity(header.tensors.count)
        for (descriptor, bytes) in zip(header.tensors, frames.dropFirst(2)) {
            tensors.append(try decodeTensor(descriptor, bytes, limits: limits))
        }
        return Envelope(topic: Topic(rawValue: topicString), header: header, headerJSON: headerBytes, tensors: tensors)
    }

    private static func decodeHeader(_ bytes: [UInt8]) throws(WireError) -> Header {
        do {
            return try JSONDecoder().decode(Header.self, from: Data(bytes))
        } catch {
            throw WireError(.badHeader, "\(error)")
        }
    }

    private static func decodeTensor(
        _ descriptor: TensorDescriptor, _ bytes: [UInt8], limits: Limits
    ) throws(WireError) -> WireTensor {
        guard descriptor.dtype == float32 || descriptor.dtype == uint32 else {
            throw WireError(.badShape, "tensor \(descriptor.name): dtype \(descriptor.dtype)")
        }
        var elements = 1
        for dimension in descriptor.shape {
            guard dimension > 0 else {
                throw WireError(.badShape, "tensor \(descriptor.name): shape \(descriptor.shape)")
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= limits.maxElements else {
                throw WireError(.oversized, "tensor \(descriptor.name): shape \(descriptor.shape)")
            }
            elements = product
        }
        guard bytes.count == elements * 4 else {
            throw WireError(.truncated, "tensor \(descriptor.name): \(bytes.count) bytes for shape \(descriptor.shape)")
        }
        guard descriptor.dtype == float32 else {
            return WireTensor(
                name: descriptor.name, shape: descriptor.shape, words: decode(bytes, count: elements) { $0 })
        }
        let values = decode(bytes, count: elements, Float.init(bitPattern:))
        guard values.allSatisfy(\.isFinite) else {
            throw WireError(.nonFinite, "tensor \(descriptor.name) holds NaN or infinity")
        }
        return WireTensor(name: descriptor.name, shape: descriptor.shape, values: values)
    }

    /// The little-endian IEEE 754 bytes of `values`.
    public static func littleEndianBytes(_ values: [Float]) -> [UInt8] {
        #if _endian(little)
        return values.withUnsafeBytes { Array($0) }
        #else
        return values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
        #endif
    }

    /// The little-endian bytes of `words`.
    public static func littleEndianBytes(_ words: [UInt32]) -> [UInt8] {
        #if _endian(little)
        return words.withUnsafeBytes { Array($0) }
        #else
        return words.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
        #endif
    }

    /// `count` little-endian 32-bit words of `bytes`, each converted by `element`.
    private static func decode<Element>(
        _ bytes: [UInt8], count: Int, _ element: (UInt32) -> Element
    ) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                for index in 0..<count {
                    buffer[index] = element(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
                }
            }
            initialized = count
        }
    }
}
