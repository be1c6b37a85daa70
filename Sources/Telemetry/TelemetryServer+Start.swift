import Logging

extension TelemetryServer {
    /// Serves at `options`' endpoint (or not at all with `--no-metrics`). A port that cannot be
    /// bound is logged as an error and the process goes on without metrics: observing must not
    /// stop training.
    public static func serve(
        _ options: MetricsOptions, defaultPort: Int, recorder: MetricsRecorder,
        refresh: @escaping @Sendable () async -> Void, pages: [Page] = [], logger: Logger
    ) async -> TelemetryServer? {
        guard let (host, port) = options.endpoint(defaultPort: defaultPort) else { return nil }
        do {
            let server = try await start(host: host, port: port, recorder: recorder, refresh: refresh, pages: pages, logger: logger)
            logger.info("serving metrics", metadata: ["url": "\(server.url)/metrics"])
            return server
        } catch {
            logger.error("metrics not served", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
