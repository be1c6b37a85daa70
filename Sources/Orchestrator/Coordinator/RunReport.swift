import Federation
import Foundation
import ModelOps

/// How a coordinator's run ended: its rounds, the production version, the alerts
/// raised and the promotions made, the messages rejected, and why it gave up if it did.
/// The `finished` event carries it, and `fedz run --summary` is built from it.
struct RunReport: Codable, Sendable {
    /// One drift alert as the summary lists it.
    struct Alert: Codable, Sendable, Equatable {
        var id: Int
        var detector: String
        var stream: String
        var value: Double
        var baseline: Double
        var version: Int?
        var state: String
        var time: Double
        var resolution: String?
    }

    var rounds: [RoundResult]
    var productionVersion: Int?
    var alerts: [Alert]
    var promotions: [Promotion]
    var rejected: [String: Int]
    /// Why the run gave up before its last round (a round abandoned too often); nil when it did not.
    var failure: String?

    var finalTestAccuracy: Double? { rounds.last?.testAccuracy }

    enum CodingKeys: String, CodingKey {
        case rounds, alerts, promotions, rejected, failure
        case productionVersion = "production_version"
    }
}

extension RunReport.Alert {
    init(_ record: AlertRecord) {
        self.init(
            id: record.id, detector: record.alert.detector, stream: record.alert.stream, value: record.alert.value,
            baseline: record.alert.baseline, version: record.version, state: record.state.rawValue,
            time: record.alert.time.timeIntervalSince1970, resolution: record.resolution)
    }
}

extension Coordinator {
    /// The run so far, for the `finished` event.
    var report: RunReport {
        get async {
            let (state, alerts) = (await modelOps.state, await modelOps.alertsOfThisRun())
            return RunReport(
                rounds: await history, productionVersion: state.production, alerts: alerts.map(RunReport.Alert.init),
                promotions: state.promotions, rejected: await rejected, failure: failure)
        }
    }
}
