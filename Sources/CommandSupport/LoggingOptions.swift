import ArgumentParser
import Logging

/// The logging flags every fedz executable takes. Logs go to standard error, so
/// that standard output stays free for machine-readable lines.
public struct LoggingOptions: ParsableArguments, Sendable {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    public var logLevel: Logger.Level = .info

    public init() {}

    /// Sets up the process-wide logging backend (once, at process start) and returns
    /// the executable's root logger.
    public func bootstrap(label: String) -> Logger {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
