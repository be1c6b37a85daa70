import Foundation

/// Incarnation numbers: a process picks one when it starts, and a restarted process
/// gets a higher one, so that receivers can tell the new self from the old.
public enum Incarnation {
    /// Microseconds since the Unix epoch: increases across restarts of a process.
    public static func now() -> UInt64 {
        UInt64(Date().timeIntervalSince1970 * 1_000_000)
    }
}
