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
