import Federation
import Foundation

/// The `--summary` JSON of `fedz run` (DESIGN §6).
struct RunSummary: Encodable {
    var config: [String: String]
    var rounds: [RoundResult]
    var finalTestAccuracy: Double?
    var alerts: [String]
    /// The model version nodes would serve: the last aggregated one.
    var productionVersion: Int?
    /// Messages the coordinator rejected, by reason.
    var rejected: [String: Int]
    var seconds: Double

    enum CodingKeys: String, CodingKey {
        case config, rounds, alerts, rejected, seconds
        case finalTestAccuracy = "final_test_accuracy"
        case productionVersion = "production_version"
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
