import Logging
import Synchronization

/// Keeps what a coordinator logs at `.warning` and above, so that a test can read why it did
/// something (e.g. the reason it abandoned a round) without parsing its output.
final class LogRecorder: Sendable {
    /// One log line: its message and metadata, rendered as text.
    struct Record: Sendable, Equatable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    /// Everything recorded so far, oldest first.
    var all: [Record] { records.withLock { $0 } }

    /// The records whose message is `message`, oldest first.
    func records(_ message: String) -> [Record] { all.filter { $0.message == message } }

    fileprivate func append(_ record: Record) { records.withLock { $0.append(record) } }

    /// The `LogHandler` that writes to a recorder.
    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .warning

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            recorder.append(Record(
                level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" }))
        }
    }
}
