import FedzProtocol

/// A message as a socket received it: its frames and, on a CURVE server socket, who sent it
/// as the loop's authenticator decided at the handshake (libzmq's `User-Id`: the name the
/// sender's key is listed with, else the key itself). `peer` is nil on plain-text sockets and on
/// client sockets, where the transport vouches only for the server.
public struct ReceivedMessage: Sendable, Equatable {
    public var frames: Multipart
    public var peer: String?

    public init(frames: Multipart, peer: String? = nil) {
        self.frames = frames
        self.peer = peer
    }
}

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
