import ArgumentParser

/// The flags of a process's HTTP endpoint (Prometheus metrics; the coordinator's dashboard too).
/// Each command has its own default port; `--no-metrics` turns the endpoint off.
public struct MetricsOptions: ParsableArguments, Sendable {
    @Flag(inversion: .prefixedNo, help: "Serve Prometheus metrics (and the coordinator's dashboard) over HTTP.")
    public var metrics = true

    @Option(help: "Port of the metrics endpoint (0: any free port; default 9470 coordinator, 9471 monitor, 9472 node).")
    public var metricsPort: Int?

    @Option(help: "Address the metrics endpoint listens on (0.0.0.0 for every interface).")
    public var metricsHost = "127.0.0.1"

    public init() {}

    public func validate() throws {
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port \(metricsPort) is not in 0…65535")
        }
    }

    /// Where to serve, or nil when `--no-metrics`.
    public func endpoint(defaultPort: Int) -> (host: String, port: Int)? {
        metrics ? (metricsHost, metricsPort ?? defaultPort) : nil
    }

    /// Options that serve on `port` (or not at all), as arguments for a child process.
    public func arguments(port: Int?) -> [String] {
        guard metrics, let port else { return ["--no-metrics"] }
        return ["--metrics-port", "\(port)", "--metrics-host", metricsHost]
    }
}
