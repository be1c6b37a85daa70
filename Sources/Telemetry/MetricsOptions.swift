import ArgumentParser

/// The flags of a process's HTTP endpoint (Prometheus metrics; the coordinator's dashboard too).
/// Each command has its own default port; `--no-metrics` turns the endpoint off.
public struct MetricsOptions: ParsableArguments, Sendable {
    /// A plain flag rather than an inversion, so that a configuration file says `no-metrics = true`.
    @Flag(help: "Serve no Prometheus metrics (and, on the coordinator, no dashboard).")
    public var noMetrics = false

    @Option(help: """
        Port of the metrics endpoint (0: any free port; default 9470 coordinator, 9471 monitor, 9472 node). \
        fedz run: the base port (coordinator, monitor +1, node i +2+i); default free ports.
        """)
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
        noMetrics ? nil : (metricsHost, metricsPort ?? defaultPort)
    }

    /// Options that serve on `port` (or not at all), as arguments for a child process.
    public func arguments(port: Int?) -> [String] {
        guard !noMetrics, let port else { return ["--no-metrics"] }
        return ["--metrics-port", "\(port)", "--metrics-host", metricsHost]
    }
}
