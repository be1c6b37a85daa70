/// Why a received message was rejected. Rejected messages are counted by reason,
/// logged once per reason, and dropped.
public struct WireError: Error, Sendable, CustomStringConvertible {
    /// A reason class, used as a counter key.
    public struct Reason: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Fewer than two frames, or a topic frame that is not a fedz topic.
        public static let malformed = Reason(rawValue: "malformed")
        /// The header frame is not a JSON header.
        public static let badHeader = Reason(rawValue: "bad_header")
        /// The header's protocol version is not ours.
        public static let wrongVersion = Reason(rawValue: "wrong_version")
        /// Frame count differs from the header's tensor descriptors.
        public static let frameCount = Reason(rawValue: "frame_count")
        /// A tensor frame's byte length differs from what its shape requires.
        public static let truncated = Reason(rawValue: "truncated")
        /// A shape with non-positive dimensions, an unknown dtype, or a tensor that
        /// does not fit the model it claims to update.
        public static let badShape = Reason(rawValue: "bad_shape")
        /// The message or one of its parts exceeds the configured limits.
        public static let oversized = Reason(rawValue: "oversized")
        /// A tensor holds NaN or infinity.
        public static let nonFinite = Reason(rawValue: "non_finite")
        /// Tensors that do not match the content hash their message announces.
        public static let checksum = Reason(rawValue: "checksum")
        /// The kind-specific body is missing or has the wrong fields.
        public static let badBody = Reason(rawValue: "bad_body")
        /// A result that arrived twice for the same client and round.
        public static let duplicate = Reason(rawValue: "duplicate")
        /// A result for a round or model version that is no longer current.
        public static let staleUpdate = Reason(rawValue: "stale_update")
        /// A number or id outside its documented range (`WireBounds`).
        public static let outOfRange = Reason(rawValue: "out_of_range")
        /// A sender id other than the one the transport authenticated for the sender's key.
        public static let spoofedSender = Reason(rawValue: "spoofed_sender")
        /// A kind the sender's role may not send (`PeerRole`).
        public static let forbidden = Reason(rawValue: "forbidden")
        /// A peer past its message or model-request rate (`RequestQuota`).
        public static let overQuota = Reason(rawValue: "over_quota")
        /// A well-formed message that makes no sense here (unknown kind, wrong sender).
        public static let unexpected = Reason(rawValue: "unexpected")

        public var description: String { rawValue }
    }

    public var reason: Reason
    public var detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason): \(detail)" }
}

/// Counts rejected messages by reason and tells the caller when a reason is new,
/// so that each reason is logged once rather than once per message.
public struct RejectionCounter: Sendable, Equatable {
    public private(set) var counts: [String: Int] = [:]

    public init() {}

    /// Records one rejection; returns true the first time this reason is seen.
    public mutating func record(_ reason: WireError.Reason) -> Bool {
        counts[reason.rawValue, default: 0] += 1
        return counts[reason.rawValue] == 1
    }

    public var total: Int { counts.values.reduce(0, +) }
}
