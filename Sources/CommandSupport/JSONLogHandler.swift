import Foundation
import Logging

/// A swift-log handler writing one JSON object per line:
/// `{"timestamp":"2026-05-01T12:00:00.123Z","level":"info","label":"fedz.node","message":"…","metadata":{"fedz.round":"3"},"source":"Node"}`.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (Data) -> Void

    /// A handler for `label` that writes to standard error.
    public static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { FileHandle.standardError.write($0) }
    }

    /// A handler for `label` that hands each finished line to `write`.
    public init(label: String, write: @escaping @Sendable (Data) -> Void) {
        self.label = label
        self.write = write
        self.metadataProvider = LoggingSystem.metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        merged.merge(metadataProvider?.get() ?? [:]) { $1 }
        merged.merge(event.metadata ?? [:]) { $1 }
        let record = Record(
            timestamp: Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date()),
            level: event.level.rawValue, label: label, message: event.message.description,
            metadata: merged.mapValues(Self.json), source: event.source)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let line = try? encoder.encode(record) else { return }
        write(line + Data("\n".utf8))
    }

    /// One log line.
    struct Record: Codable, Equatable {
        var timestamp: String
        var level: String
        var label: String
        var message: String
        var metadata: [String: JSONValue]
        var source: String
    }

    /// A metadata value as JSON: strings stay strings, nested metadata becomes objects and arrays.
    enum JSONValue: Codable, Equatable {
        case string(String)
        case array([JSONValue])
        case object([String: JSONValue])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .array(let values): try container.encode(values)
            case .object(let values): try container.encode(values)
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let values = try? container.decode([JSONValue].self) {
                self = .array(values)
            } else {
                self = .object(try container.decode([String: JSONValue].self))
            }
        }
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(values.mapValues(json))
        }
    }
}
