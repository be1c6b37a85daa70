/// A message as a socket received it: its frames, when the transport took it off the wire, and,
/// on a CURVE server socket, who sent it as the loop's authenticator decided at the handshake
/// (libzmq's `User-Id`: the name the sender's key is listed with, else the key itself). `peer` is
/// nil on plain-text sockets and on client sockets, where the transport vouches only for the server.
public struct ReceivedMessage: Sendable, Equatable {
    public var frames: Multipart
    public var peer: String?
    /// When the transport received it: a sender's sign of life counts from here, however long
    /// the message then waits for the coordinator to get to it.
    public var arrival: ContinuousClock.Instant

    public init(frames: Multipart, peer: String? = nil, arrival: ContinuousClock.Instant) {
        self.frames = frames
        self.peer = peer
        self.arrival = arrival
    }
}
