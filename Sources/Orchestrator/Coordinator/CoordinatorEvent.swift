import Federation
import Foundation

/// One JSON line on the coordinator's standard output: how `fedz run` and the
/// integration tests follow a coordinator without parsing log text.
enum CoordinatorEvent: Codable, Sendable {
    /// Sockets are bound; these are their real endpoints (`control` when a control socket is bound).
    case ready(publish: String, pull: String, control: String?)
    case round(RoundResult)
    /// An open round's progress: clients answered (updated or failed) of those sampled
    /// (at most every half second).
    case progress(round: Int, answered: Int, sampled: Int, elapsed: Double)
    case abandoned(round: Int, reason: String)
    case finished(RunReport)
    /// A version became production.
    case promoted(version: Int, reason: String)
    /// A drift alert restarted training from production.
    case retraining(alert: Int, reason: String)
    /// A retrained production version recovered from the drift: the alert is resolved.
    case recovered(alert: Int, version: Int)
    /// A CURVE handshake from a key not on the allow-list was refused (once per key).
    case refused(publicKey: String)

    private enum Key: String, CodingKey {
        case event, publish, pull, control, round, reason, result, report, version, alert, answered, sampled, elapsed
        case publicKey = "public_key"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case let .ready(publish, pull, control):
            try container.encode("ready", forKey: .event)
            try container.encode(publish, forKey: .publish)
            try container.encode(pull, forKey: .pull)
            try container.encodeIfPresent(control, forKey: .control)
        case let .round(result):
            try container.encode("round", forKey: .event)
            try container.encode(result, forKey: .result)
        case let .progress(round, answered, sampled, elapsed):
            try container.encode("progress", forKey: .event)
            try container.encode(round, forKey: .round)
            try container.encode(answered, forKey: .answered)
            try container.encode(sampled, forKey: .sampled)
            try container.encode(elapsed, forKey: .elapsed)
        case let .abandoned(round, reason):
            try container.encode("abandoned", forKey: .event)
            try container.encode(round, forKey: .round)
            try container.encode(reason, forKey: .reason)
        case let .finished(report):
            try container.encode("finished", forKey: .event)
            try container.encode(report, forKey: .report)
        case let .promoted(version, reason):
            try container.encode("promoted", forKey: .event)
            try container.encode(version, forKey: .version)
            try container.encode(reason, forKey: .reason)
        case let .retraining(alert, reason):
            try container.encode("retraining", forKey: .event)
            try container.encode(alert, forKey: .alert)
            try container.encode(reason, forKey: .reason)
        case let .recovered(alert, version):
            try container.encode("recovered", forKey: .event)
            try container.encode(alert, forKey: .alert)
            try container.encode(version, forKey: .version)
        case let .refused(publicKey):
            try container.encode("refused", forKey: .event)
            try container.encode(publicKey, forKey: .publicKey)
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        switch try container.decode(String.self, forKey: .event) {
        case "ready":
            self = .ready(
                publish: try container.decode(String.self, forKey: .publish),
                pull: try container.decode(String.self, forKey: .pull),
                control: try container.decodeIfPresent(String.self, forKey: .control))
        case "round":
            self = .round(try container.decode(RoundResult.self, forKey: .result))
        case "progress":
            self = .progress(
                round: try container.decode(Int.self, forKey: .round), answered: try container.decode(Int.self, forKey: .answered),
                sampled: try container.decode(Int.self, forKey: .sampled), elapsed: try container.decode(Double.self, forKey: .elapsed))
        case "abandoned":
            self = .abandoned(
                round: try container.decode(Int.self, forKey: .round),
                reason: try container.decode(String.self, forKey: .reason))
        case "finished":
            self = .finished(try container.decode(RunReport.self, forKey: .report))
        case "promoted":
            self = .promoted(
                version: try container.decode(Int.self, forKey: .version), reason: try container.decode(String.self, forKey: .reason))
        case "recovered":
            self = .recovered(
                alert: try container.decode(Int.self, forKey: .alert), version: try container.decode(Int.self, forKey: .version))
        case "retraining":
            self = .retraining(
                alert: try container.decode(Int.self, forKey: .alert), reason: try container.decode(String.self, forKey: .reason))
        case "refused":
            self = .refused(publicKey: try container.decode(String.self, forKey: .publicKey))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .event, in: container, debugDescription: "unknown event \(other)")
        }
    }

    /// Writes the event as one line to standard output and flushes it.
    func emit() {
        guard let data = try? FedzJSON.encoder().encode(self) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
