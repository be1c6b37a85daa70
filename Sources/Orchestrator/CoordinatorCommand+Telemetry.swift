import Logging
import Telemetry

extension CoordinatorCommand {
    /// The coordinator's default metrics and dashboard port.
    static let defaultMetricsPort = 9470

    /// Serves `/metrics`, the dashboard at `/` and its state at `/api/state` (unless `--no-metrics`).
    func serveTelemetry(_ coordinator: Coordinator, logger: Logger) async -> TelemetryServer? {
        let metrics = CoordinatorMetrics(recorder: MetricsRecorder())
        let server = await TelemetryServer.serve(
            self.metrics, defaultPort: Self.defaultMetricsPort, recorder: metrics.recorder,
            refresh: { await metrics.refresh(from: await coordinator.snapshot()) },
            pages: [
                .init(path: "/", contentType: "text/html; charset=utf-8") { DashboardPage.html },
                .init(path: "/api/state", contentType: "application/json") { DashboardState(await coordinator.snapshot()).json },
            ],
            logger: logger)
        if let server { logger.info("serving the dashboard", metadata: ["url": "\(server.url)/"]) }
        return server
    }
}
