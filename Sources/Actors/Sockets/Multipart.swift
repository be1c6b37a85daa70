/// One frame of a multipart message.
public typealias Frame = [UInt8]

/// A multipart ZeroMQ message: frames in order.
public typealias Multipart = [Frame]
