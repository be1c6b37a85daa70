import Federation
import Foundation

/// One JSON line on the coordinator's standard output: how `fedz run` and the
/// integration tests follow a coordinator without parsing log text.
enum CoordinatorEvent: Codable, Sendable {
    /// Sockets are bound; these are their real endpoints.
    case ready(publish: String, pull: String)
    case round(RoundResult)
    case abandoned(round: Int, reason: String)
    case finished(rounds: Int, finalTestAccuracy: Double?, rejected: [String: Int])
    /// A CURVE handshake from a key not on the allow-list was refused (once per key).
    case refused(publicKey: String)

    private enum Key: String, CodingKey {
        case event, publish, pull, round, reason, rounds, result, rejected
        case publicKey = "public_key"
        case finalTestAccuracy = "final_test_accuracy"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case let .ready(publish, pull):
            try container.encode("ready", forKey: .event)
            try container.encode(publish, forKey: .publish)
            try container.encode(pull, forKey: .pull)
        case let .round(result):
            try container.encode("round", forKey: .event)
            try container.encode(result, forKey: .result)
        case let .abandoned(round, reason):
            try container.encode("abandoned", forKey: .event)
            try container.encode(round, forKey: .round)
            try container.encode(reason, forKey: .reason)
        case let .finished(rounds, accuracy, rejected):
            try container.encode("finished", forKey: .event)
            try container.encode(rounds, forKey: .rounds)
            try container.encode(accuracy, forKey: .finalTestAccuracy)
            try container.encode(rejected, forKey: .rejected)
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
                pull: try container.decode(String.self, forKey: .pull))
        case "round":
            self = .round(try container.decode(RoundResult.self, forKey: .result))
        case "abandoned":
            self = .abandoned(
                round: try container.decode(Int.self, forKey: .round),
                reason: try container.decode(String.self, forKey: .reason))
        case "finished":
            self = .finished(
                rounds: try container.decode(Int.self, forKey: .rounds),
                finalTestAccuracy: try container.decodeIfPresent(Double.self, forKey: .finalTestAccuracy),
                rejected: try container.decode([String: Int].self, forKey: .rejected))
        case "refused":
            self = .refused(publicKey: try container.decode(String.self, forKey: .publicKey))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .event, in: container, debugDescription: "unknown event \(other)")
        }
    }

    /// Writes the event as one line to standard output and flushes it.
    func emit() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
