import Federation
import Foundation

/// The `--summary` JSON of `fedz run` (DESIGN §6).
struct RunSummary: Encodable {
    var config: [String: String]
    var report: RunReport
    var seconds: Double
    /// When `fedz run` saw each round finish (seconds since 1970), by round.
    var roundsFinishedAt: [Int: Double] = [:]

    /// A round as the summary lists it: its result and `finished_at`.
    private struct Round: Encodable {
        var result: RoundResult
        var finishedAt: Double?

        private enum Key: String, CodingKey { case finishedAt = "finished_at" }

        func encode(to encoder: any Encoder) throws {
            try result.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(finishedAt, forKey: .finishedAt)
        }
    }

    enum CodingKeys: String, CodingKey {
        case config, rounds, alerts, promotions, rejected, seconds, epsilon, error
        case finalTestAccuracy = "final_test_accuracy"
        case productionVersion = "production_version"
        case epsilonKnownSample = "epsilon_known_sample"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(config, forKey: .config)
        try container.encode(
            report.rounds.map { Round(result: $0, finishedAt: roundsFinishedAt[$0.round]) }, forKey: .rounds)
        try container.encode(report.finalTestAccuracy, forKey: .finalTestAccuracy)
        try container.encode(report.alerts, forKey: .alerts)
        try container.encode(report.promotions, forKey: .promotions)
        try container.encode(report.productionVersion, forKey: .productionVersion)
        try container.encode(report.rejected, forKey: .rejected)
        try container.encode(seconds, forKey: .seconds)
        try container.encodeIfPresent(report.rounds.last?.epsilon, forKey: .epsilon)
        try container.encodeIfPresent(report.rounds.last?.epsilonKnownSample, forKey: .epsilonKnownSample)
        try container.encodeIfPresent(report.failure, forKey: .error)
    }

    func write(to path: String) throws {
        try FedzJSON.encoder([.prettyPrinted, .sortedKeys]).encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
