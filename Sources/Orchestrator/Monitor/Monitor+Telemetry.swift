import Telemetry

extension Monitor {
    /// Sets the monitor's metrics: field accuracy per node, alerts, production, traffic.
    func record(into recorder: MetricsRecorder) async {
        for (node, accuracy) in field { await recorder.value(.fieldAccuracy, accuracy, labels: [("node", node)]) }
        await recorder.total(.driftAlerts, alertsRaised)
        await recorder.value(.openAlerts, Double(drift.openAlerts.count))
        await recorder.value(.productionVersion, Double(drift.production ?? 0))
        let sockets = await channel.traffic() + alerts.counters()
        await recorder.traffic(Traffic(sockets: sockets, rejected: rejections.counts))
    }
}
