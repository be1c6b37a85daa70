/// The JSON header frame of every message (see docs/PROTOCOL.md). A kind-specific
/// `body` object travels in the same JSON document and is decoded on demand.
public struct Header: Codable, Sendable, Equatable {
    /// Must equal `WireFormat.protocolVersion`.
    public var protocolVersion: Int
    public var kind: MessageKind
    /// The sender's stable id (`coordinator`, `node-3`, …).
    public var sender: String
    /// Random per process start: a restarted sender has a new incarnation.
    public var incarnation: UInt64
    public var round: Int?
    public var modelVersion: Int?
    /// One descriptor per tensor frame, in frame order.
    public var tensors: [TensorDescriptor]

    public init(
        kind: MessageKind, sender: String, incarnation: UInt64,
        round: Int? = nil, modelVersion: Int? = nil, tensors: [TensorDescriptor] = []
    ) {
        self.protocolVersion = WireFormat.protocolVersion
        self.kind = kind
        self.sender = sender
        self.incarnation = incarnation
        self.round = round
        self.modelVersion = modelVersion
        self.tensors = tensors
    }
}

/// Describes one tensor frame: its name, element type and shape.
public struct TensorDescriptor: Codable, Sendable, Equatable {
    public var name: String
    /// `float32` (little-endian IEEE 754) or `uint32` (little-endian, unsigned).
    public var dtype: String
    public var shape: [Int]

    public init(name: String, dtype: String = WireFormat.float32, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }
}

/// A named tensor as it travels on the wire: float32 values (model weights and
/// deltas) or uint32 words (masked inputs of secure aggregation).
public struct WireTensor: Sendable, Equatable {
    /// The elements, in row-major order, with their type.
    public enum Elements: Sendable, Equatable {
        case float32([Float])
        case uint32([UInt32])
    }

    public var name: String
    public var shape: [Int]
    public var elements: Elements

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.elements = .float32(values)
    }

    public init(name: String, shape: [Int], words: [UInt32]) {
        self.name = name
        self.shape = shape
        self.elements = .uint32(words)
    }

    /// The float32 elements; empty for a uint32 tensor.
    public var values: [Float] {
        guard case .float32(let values) = elements else { return [] }
        return values
    }

    /// The uint32 elements; empty for a float32 tensor.
    public var words: [UInt32] {
        guard case .uint32(let words) = elements else { return [] }
        return words
    }

    public var dtype: String {
        switch elements {
        case .float32: WireFormat.float32
        case .uint32: WireFormat.uint32
        }
    }

    public var descriptor: TensorDescriptor { TensorDescriptor(name: name, dtype: dtype, shape: shape) }
}
