import Foundation

/// The lines a pipe carries, as an async sequence; reading happens on a dedicated
/// thread so that no blocking read runs on Swift's cooperative pool.
enum LineReader {
    static func lines(of pipe: Pipe) -> AsyncStream<String> {
        let handle = pipe.fileHandleForReading
        return AsyncStream(bufferingPolicy: .unbounded) { continuation in
            let thread = Thread {
                var pending = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    pending.append(chunk)
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                        pending.removeSubrange(pending.startIndex...newline)
                    }
                }
                if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
                continuation.finish()
            }
            thread.name = "fedz-line-reader"
            thread.start()
        }
    }
}
