import Federation
import Foundation

/// A `fedz run --summary` file read back, for `fedz report`.
struct SummaryFile: Decodable {
    /// One round of the summary: its result and, when recorded, when `fedz run` saw it finish.
    struct Round: Decodable {
        var result: RoundResult
        /// Seconds since 1970 (summaries of older versions lack it).
        var finishedAt: Double?

        private enum Key: String, CodingKey { case finishedAt = "finished_at" }

        init(from decoder: any Decoder) throws {
            result = try RoundResult(from: decoder)
            finishedAt = try decoder.container(keyedBy: Key.self).decodeIfPresent(Double.self, forKey: .finishedAt)
        }
    }

    var config: [String: String]
    var rounds: [Round]
    var alerts: [RunReport.Alert]
    var promotions: [Promotion]
    var productionVersion: Int?

    private enum CodingKeys: String, CodingKey {
        case config, rounds, alerts, promotions
        case productionVersion = "production_version"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        config = try container.decodeIfPresent([String: String].self, forKey: .config) ?? [:]
        rounds = try container.decode([Round].self, forKey: .rounds)
        alerts = try container.decodeIfPresent([RunReport.Alert].self, forKey: .alerts) ?? []
        promotions = try container.decodeIfPresent([Promotion].self, forKey: .promotions) ?? []
        productionVersion = try container.decodeIfPresent(Int.self, forKey: .productionVersion)
    }

    init(contentsOf path: String) throws {
        self = try FedzJSON.decoder.decode(Self.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The chart of this run: accuracy and loss per round; promotions marked at the round that
    /// made the promoted version; alerts at their time, placed between the rounds that finished
    /// around it (pinned to the nearest end outside the rounds' span, and to the last round when
    /// the summary has no round times).
    var chart: ReportChart {
        let points = rounds.map {
            ReportChart.Point(
                round: $0.result.round, testAccuracy: $0.result.testAccuracy, testLoss: $0.result.testLoss,
                trainLoss: $0.result.trainLoss)
        }
        let promoted: [ReportChart.Mark] = promotions.compactMap { promotion in
            rounds.first { $0.result.modelVersion == promotion.version }.map {
                ReportChart.Mark(kind: .promotion, round: Double($0.result.round), label: "v\(promotion.version)")
            }
        }
        let alerted = alerts.map { ReportChart.Mark(kind: .alert, round: round(at: $0.time), label: "alert \($0.id)") }
        let title = [config["model"], config["dataset"], config["strategy"], config["partition"]].compactMap { $0 }
            .joined(separator: " · ")
        let final = rounds.last.map { String(format: "final test accuracy %.2f %%", $0.result.testAccuracy * 100) }
        let subtitle = [final, "\(alerts.count) alert(s)", "\(promotions.count) promotion(s)",
                        productionVersion.map { "production v\($0)" }].compactMap { $0 }.joined(separator: ", ")
        return ReportChart(
            title: title.isEmpty ? "fedz run" : "fedz run: " + title, subtitle: subtitle, points: points,
            marks: promoted + alerted)
    }

    /// The fractional round position of a moment, interpolated between round finish times.
    func round(at time: Double) -> Double {
        let timed = rounds.compactMap { round in round.finishedAt.map { (Double(round.result.round), $0) } }
        guard let first = timed.first, let last = timed.last else { return Double(rounds.last?.result.round ?? 1) }
        if time <= first.1 { return first.0 }
        for (before, after) in zip(timed, timed.dropFirst()) where time <= after.1 {
            let span = after.1 - before.1
            return span > 0 ? before.0 + (after.0 - before.0) * (time - before.1) / span : after.0
        }
        return last.0
    }
}
