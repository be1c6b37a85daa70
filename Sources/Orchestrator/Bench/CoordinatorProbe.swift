import Foundation
import Telemetry

/// What a running coordinator's HTTP endpoint tells about it: rejected messages by reason and
/// messages received (`/metrics`), and its live nodes with their client counts (`/api/state`).
struct CoordinatorProbe: Sendable {
    let port: Int

    /// Counters of one `/metrics` scrape.
    struct Counters: Sendable, Equatable {
        var rejected: [String: Int] = [:]
        var received = 0
    }

    func counters() async throws -> Counters {
        Self.counters(exposition: try await LoopbackHTTP.get(port: port, path: "/metrics"))
    }

    /// Live nodes and the number of clients each hosts.
    func nodes() async throws -> [String: Int] {
        let text = try await LoopbackHTTP.get(port: port, path: "/api/state")
        let state = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let nodes = state?["nodes"] as? [[String: Any]] ?? []
        return Dictionary(nodes.compactMap { node in
            guard let id = node["id"] as? String, let clients = node["clients"] as? Int else { return nil }
            return (id, clients)
        }, uniquingKeysWith: { first, _ in first })
    }

    /// Reads `fedz_messages_rejected_total{reason="…"}` and `fedz_messages_received_total` from
    /// a Prometheus text exposition.
    static func counters(exposition: String) -> Counters {
        var counters = Counters()
        let rejected = FedzMetric.messagesRejected.rawValue + "{"
        let received = FedzMetric.messagesReceived.rawValue
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            guard let valueText = line.split(separator: " ").last, let value = Double(valueText) else { continue }
            if line.hasPrefix(rejected), let reason = label("reason", in: line) {
                counters.rejected[reason, default: 0] += Int(value)
            } else if line.hasPrefix(received + " ") || line.hasPrefix(received + "{") {
                counters.received += Int(value)
            }
        }
        return counters
    }

    private static func label(_ name: String, in line: Substring) -> String? {
        guard let start = line.range(of: name + "=\"")?.upperBound,
              let end = line[start...].firstIndex(of: "\"")
        else { return nil }
        return String(line[start..<end])
    }
}
