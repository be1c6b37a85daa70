import Actors
import FedzProtocol
import Foundation
import Testing

/// Every test in this target runs one at a time: they share two cores, and the lifecycle tests
/// count the process's file descriptors and threads.
@Suite(.serialized, .timeLimit(.minutes(1)))
enum ActorsClusteredTests {}

struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Runs `body` on a loop that is shut down afterwards, whether `body` succeeds or throws.
func withLoop<T>(_ body: (IOLoop) async throws -> T) async throws -> T {
    let loop = try await IOLoop.start(name: "fedz-test-io")
    do {
        let result = try await body(loop)
        await loop.shutdown()
        return result
    } catch {
        await loop.shutdown()
        throw error
    }
}

/// `body`'s result, or `TimedOut` once `limit` has passed (then `body` is cancelled).
func within<T: Sendable>(
    _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut(description: "\(what): nothing within \(limit)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

extension InboundMessages {
    /// The next message within `limit`; fails if the stream ends.
    func next(within limit: Duration = .seconds(5)) async throws -> Multipart {
        let message = try await within(limit, "next message") {
            var iterator = self.makeAsyncIterator()
            return await iterator.next()
        }
        return try #require(message, "the stream ended")
    }

    /// The next `count` messages, all within `limit`.
    func collect(_ count: Int, within limit: Duration = .seconds(30)) async throws -> [Multipart] {
        try await within(limit, "\(count) messages") {
            var messages: [Multipart] = []
            var iterator = self.makeAsyncIterator()
            while messages.count < count, let message = await iterator.next() {
                messages.append(message)
            }
            return messages
        }
    }

    /// Whether `duration` passes with no message and without the stream ending.
    func staysQuiet(for duration: Duration) async -> Bool {
        do {
            _ = try await within(duration, "quiet") {
                var iterator = self.makeAsyncIterator()
                return await iterator.next()
            }
            return false
        } catch {
            return true
        }
    }

    /// Whether the stream has ended (returns nil) within `limit`; false if a message or nothing came.
    func ends(within limit: Duration) async -> Bool {
        let result = try? await within(limit, "end of stream") {
            var iterator = self.makeAsyncIterator()
            return await iterator.next() == nil
        }
        return result ?? false
    }
}

/// `[UInt8]` of a string, for frames in tests.
func bytes(_ text: String) -> Frame { Array(text.utf8) }

/// A frame holding `value` little-endian.
func indexFrame(_ value: Int) -> Frame {
    withUnsafeBytes(of: UInt64(value).littleEndian) { Array($0) }
}

func index(of frame: Frame) -> Int {
    Int(UInt64(littleEndian: frame.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }))
}

/// Entries of a /proc/self directory (open descriptors: "fd", threads: "task").
func procEntries(_ name: String) -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/\(name)").count) ?? -1
}

/// Names of the process's threads (Linux shows the first 15 bytes).
func threadNames() -> [String] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.compactMap { task in
        (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .newlines)
    }
}

/// A tcp endpoint on 127.0.0.1 that nothing listens on right now: bound on a scratch loop whose
/// shutdown (`zmq_ctx_term`) guarantees the listener is closed again.
func unusedEndpoint() async throws -> String {
    let scratch = try await IOLoop.start(name: "fedz-scratch")
    let puller = try await Puller(loop: scratch, bind: "tcp://127.0.0.1:*")
    await scratch.shutdown()
    return puller.endpoint
}

/// Polls `condition` every 20 ms until it holds; fails with `TimedOut` after `limit`.
func waitUntil(
    _ what: String, within limit: Duration = .seconds(5), _ condition: @escaping @Sendable () async -> Bool
) async throws {
    try await within(limit, what) {
        while await !condition() { try await Task.sleep(for: .milliseconds(20)) }
    }
}

extension AsyncStream {
    /// Every element until the stream ends (use on streams that a shutdown has finished).
    func collected() async -> [Element] {
        var elements: [Element] = []
        for await element in self { elements.append(element) }
        return elements
    }
}
