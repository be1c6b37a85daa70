extension RunCommand {
    /// Where the cluster's dashboard and metrics are, as `fedz run` prints it.
    func telemetryLine(_ ports: ClusterPorts) -> String {
        let host = metrics.metricsHost == "0.0.0.0" ? "127.0.0.1" : metrics.metricsHost
        let nodes = ports.nodes.enumerated().map { "node-\($0.offset) http://\(host):\($0.element)/metrics" }
        return "dashboard: http://\(host):\(ports.coordinator)/  metrics: coordinator http://\(host):\(ports.coordinator)/metrics, "
            + "monitor http://\(host):\(ports.monitor)/metrics, " + nodes.joined(separator: ", ")
    }
}
