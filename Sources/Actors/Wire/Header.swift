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
    /// Only `float32` (little-endian IEEE 754) is defined in protocol version 1.
    public var dtype: String
    public var shape: [Int]

    public init(name: String, dtype: String = WireFormat.float32, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }
}

/// A named Float32 tensor as it travels on the wire.
public struct WireTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    public var descriptor: TensorDescriptor { TensorDescriptor(name: name, shape: shape) }
}
