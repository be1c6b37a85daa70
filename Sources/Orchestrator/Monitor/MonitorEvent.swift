import Federation
import Foundation

/// One JSON line on the monitor's standard output: how `fedz run` and the tests follow a
/// monitor without parsing log text.
enum MonitorEvent: Encodable, Sendable {
    /// Sockets are up; `alerts` is the alert PUB's real endpoint.
    case ready(alerts: String)
    /// A drift alert was recorded, published and sent to the coordinator.
    case alert(DriftAlertMessage)

    private enum Key: String, CodingKey { case event, alerts }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case let .ready(alerts):
            try container.encode("ready", forKey: .event)
            try container.encode(alerts, forKey: .alerts)
        case let .alert(message):
            try message.encode(to: encoder)
            try container.encode("alert", forKey: .event)
        }
    }

    /// Writes the event as one line to standard output.
    func emit() {
        guard let data = try? FedzJSON.encoder([.sortedKeys, .withoutEscapingSlashes]).encode(self) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
