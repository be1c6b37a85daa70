import Foundation
import Logging
import Synchronization
import Testing

@testable import CommandSupport

@Suite struct JSONLogHandlerTests {
    @Test func writesOneJSONObjectPerLine() throws {
        let lines = Lines()
        var handler = JSONLogHandler(label: "fedz.test") { data in lines.written.withLock { $0.append(data) } }
        handler.logLevel = .debug
        handler[metadataKey: "fedz.node"] = "node-1"
        let logger = Logger(label: "fedz.test") { _ in handler }
        logger.info("round \"complete\"", metadata: ["fedz.round": "3", "peers": ["a", "b"]])
        logger.trace("not written")

        let written = lines.written.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        let record = try JSONDecoder().decode(JSONLogHandler.Record.self, from: line)
        #expect(record.level == "info")
        #expect(record.label == "fedz.test")
        #expect(record.message == "round \"complete\"")
        #expect(record.metadata == ["fedz.node": .string("node-1"), "fedz.round": .string("3"), "peers": .array([.string("a"), .string("b")])])
        #expect(ISO8601DateFormatter.fractional.date(from: record.timestamp) != nil)
    }
}

/// The lines a handler wrote.
final class Lines: Sendable {
    let written = Mutex<[Data]>([])
}

extension ISO8601DateFormatter {
    static var fractional: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
