import FedzProtocol

/// One fuzzed message from an allow-listed key, with what the coordinator should make of it.
struct AdversarialMessage: Sendable {
    /// What the coordinator does with a message: `accepted`, or a rejection reason.
    typealias Outcome = String

    static let accepted: Outcome = "accepted"

    /// The kind its header names.
    var kind: String
    var frames: Multipart
    /// The outcomes the coordinator may reach: one, or for a model request also `over_quota`,
    /// which depends on how fast the requests came (the quota refills with time).
    var outcomes: Set<Outcome>
    /// Whether the outcome is settled on arrival, before the coordinator's actor: by the
    /// transport's size limits, the wire decoder, the sender check or an update's checks.
    var settledOnArrival: Bool

    /// The outcome, when only one is possible.
    var outcome: Outcome? { outcomes.count == 1 ? outcomes.first : nil }

    /// The outcomes as one key: `accepted`, `spoofed_sender`, `accepted|over_quota`, …
    var outcomeKey: String { outcomes.sorted().joined(separator: "|") }
}

/// A tensor frame as fuzzed: its descriptor need not be valid, and `fault` names the reason
/// the wire decoder refuses it for (nil when it decodes).
struct FuzzTensor: Sendable {
    var name: String
    var dtype = WireFormat.float32
    var shape: [Int]
    var bytes: [UInt8]
    var fault: AdversarialMessage.Outcome?

    /// A float32 tensor of `values`; non-finite values make it fault as `non_finite`.
    init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.bytes = WireFormat.littleEndianBytes(values)
        self.fault = values.allSatisfy(\.isFinite) ? nil : WireError.Reason.nonFinite.rawValue
    }

    /// A uint32 tensor of `words`.
    init(name: String, shape: [Int], words: [UInt32]) {
        self.name = name
        self.dtype = WireFormat.uint32
        self.shape = shape
        self.bytes = WireFormat.littleEndianBytes(words)
    }

    /// A descriptor and frame the decoder refuses for `fault`.
    init(name: String, dtype: String, shape: [Int], bytes: [UInt8], fault: WireError.Reason) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
        self.fault = fault.rawValue
    }

    init(_ tensor: WireTensor) {
        self.name = tensor.name
        self.dtype = tensor.dtype
        self.shape = tensor.shape
        self.bytes = switch tensor.elements {
        case .float32(let values): WireFormat.littleEndianBytes(values)
        case .uint32(let words): WireFormat.littleEndianBytes(words)
        }
    }

    var descriptor: AdversarialJSON {
        .object([("dtype", .string(dtype)), ("name", .string(name)), ("shape", .array(shape.map { .int($0) }))])
    }
}

/// A body and its tensors, with what the coordinator should make of them once it gets to them:
/// `accepted`, or the reason the body is refused for.
struct BodyPlan: Sendable {
    /// nil: the header has no `body`.
    var body: AdversarialJSON?
    var tensors: [FuzzTensor] = []
    var outcome: AdversarialMessage.Outcome

    init(_ body: AdversarialJSON?, tensors: [FuzzTensor] = [], _ outcome: WireError.Reason?) {
        self.body = body
        self.tensors = tensors
        self.outcome = outcome?.rawValue ?? AdversarialMessage.accepted
    }
}
