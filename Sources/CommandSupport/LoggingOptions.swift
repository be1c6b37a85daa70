import ArgumentParser
import Logging

/// The logging flags every fedz executable takes. Logs go to standard error, so
/// that standard output stays free for machine-readable lines.
public struct LoggingOptions: ParsableArguments, Sendable {
    /// How log records are written.
    public enum Format: String, CaseIterable, ExpressibleByArgument, Sendable {
        /// swift-log's text lines.
        case text
        /// One JSON object per line (see `JSONLogHandler`).
        case json
    }

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    public var logLevel: Logger.Level = .info

    @Option(help: "Log format: text, or json (one object per line).")
    public var logFormat: Format = .text

    public init() {}

    /// Sets up the process-wide logging backend (once, at process start) and returns
    /// the executable's root logger.
    public func bootstrap(label: String) -> Logger {
        let (level, format) = (logLevel, logFormat)
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = switch format {
            case .text: LineSafeLogHandler(wrapped: StreamLogHandler.standardError(label: label))
            case .json: JSONLogHandler.standardError(label: label)
            }
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }

    /// These options as command-line arguments, to hand them on to a child process.
    public var arguments: [String] {
        ["--log-level", "\(logLevel)", "--log-format", logFormat.rawValue]
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
