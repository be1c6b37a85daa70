/// One frame of a multipart message.
public typealias Frame = [UInt8]

/// A multipart ZeroMQ message: frames in order.
public typealias Multipart = [Frame]

extension Array where Element == Frame {
    /// The bytes of all frames together.
    public var byteCount: Int { reduce(0) { $0 + $1.count } }
}
