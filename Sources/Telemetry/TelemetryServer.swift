import Hummingbird
import Logging
import ServiceLifecycle

/// A process's HTTP endpoint (Hummingbird): `GET /metrics` in Prometheus text format, plus
/// whatever pages the process adds (the coordinator's dashboard). Anything else is a 404.
public struct TelemetryServer: Sendable {
    /// A page served at `path` (e.g. "/", "/api/state"), its body made at each request.
    public struct Page: Sendable {
        public var path: String
        public var contentType: String
        public var body: @Sendable () async -> String

        public init(path: String, contentType: String, body: @escaping @Sendable () async -> String) {
            self.path = path
            self.contentType = contentType
            self.body = body
        }
    }

    /// The bound port (the real one when 0 was asked for).
    public let port: Int
    /// `http://HOST:PORT`, with 127.0.0.1 for a server on every interface.
    public let url: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Binds `host:port` and serves until `stop()`; `refresh` runs before each `/metrics`
    /// response, to set the metrics from the process's state. Throws if it cannot bind.
    public static func start(
        host: String, port: Int, recorder: MetricsRecorder, refresh: @escaping @Sendable () async -> Void,
        pages: [Page] = [], logger: Logger
    ) async throws -> TelemetryServer {
        let router = Router()
        router.get("/metrics") { _, _ in
            await refresh()
            return text(recorder.exposition(), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        for page in pages {
            router.get(RouterPath(page.path)) { _, _ in text(await page.body(), type: page.contentType) }
        }
        let (bound, reportBound) = AsyncStream.makeStream(of: Int.self)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)  // no line per request
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "fedz"),
            onServerRunning: { reportBound.yield($0.localAddress?.port ?? port) }, logger: quiet)
        let group = ServiceGroup(configuration: .init(services: [.init(service: app)], logger: quiet))
        let task = Task {
            defer { reportBound.finish() }
            try await group.run()
        }
        for await port in bound {
            let shown = host == "0.0.0.0" ? "127.0.0.1" : host
            return TelemetryServer(port: port, url: "http://\(shown):\(port)", group: group, task: task)
        }
        do {
            try await task.value
        } catch {
            throw TelemetryError("cannot serve HTTP on \(host):\(port): \(error)")
        }
        throw TelemetryError("the HTTP server on \(host):\(port) stopped before it was ready")
    }

    /// Stops serving (gracefully: requests in flight are answered) and waits for the server to close.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    private static func text(_ body: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// The HTTP endpoint could not start.
public struct TelemetryError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// A started server as a service of its process's group: it serves until the group shuts
/// down, then stops gracefully.
extension TelemetryServer: Service {
    public func run() async {
        try? await gracefulShutdown()
        await stop()
    }
}
