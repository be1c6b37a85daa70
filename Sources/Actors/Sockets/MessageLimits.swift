/// How large one received message may be, counted across its frames (`ZMQ_MAXMSGSIZE` bounds
/// each frame only). A message past either bound is read off the socket without being copied,
/// dropped and counted.
public struct MessageLimits: Sendable, Equatable {
    public var maxFrames: Int
    public var maxBytes: Int

    public init(maxFrames: Int, maxBytes: Int) {
        self.maxFrames = maxFrames
        self.maxBytes = maxBytes
    }

    public static let unlimited = MessageLimits(maxFrames: .max, maxBytes: .max)
}
