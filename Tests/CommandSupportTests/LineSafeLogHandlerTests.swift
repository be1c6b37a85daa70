import Foundation
import Logging
import Synchronization
import Testing

@testable import CommandSupport

/// What a peer sent cannot forge a log line: control characters reach the text log escaped.
@Suite struct LineSafeLogHandlerTests {
    @Test func controlCharactersAreEscaped() {
        #expect(LineSafeLogHandler.escaped("node-1\nlevel=error forged") == "node-1\\nlevel=error forged")
        #expect(LineSafeLogHandler.escaped("a\r\tb\u{1B}[31m\u{7F}\u{85}") == "a\\r\\tb\\u{1B}[31m\\u{7F}\\u{85}")
        #expect(LineSafeLogHandler.escaped("plain ünïcode") == "plain ünïcode")
    }

    @Test func messagesAndNestedMetadataReachTheTextHandlerEscaped() {
        let captured = Captured()
        let handler = LineSafeLogHandler(wrapped: CapturingHandler(captured: captured))
        let logger = Logger(label: "fedz.test") { _ in handler }
        logger.warning("client failed\nINFO forged", metadata: [
            "reason": "out of\nmemory", "list": ["x\ny"], "nested": ["k": "v\r"],
        ])
        let event = captured.events.withLock { $0.first }
        #expect(event.map { "\($0.message)" } == "client failed\\nINFO forged")
        #expect(event?.metadata?["reason"] == "out of\\nmemory")
        #expect(event?.metadata?["list"] == ["x\\ny"])
        #expect(event?.metadata?["nested"] == ["k": "v\\r"])
    }
}

private final class Captured: Sendable {
    let events = Mutex<[LogEvent]>([])
}

private struct CapturingHandler: LogHandler {
    let captured: Captured
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        captured.events.withLock { $0.append(event) }
    }
}
