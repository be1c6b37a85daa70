import Telemetry

extension DeviceWorker {
    /// Sets the node's metrics: field accuracy of the served models, production, traffic.
    func record(into recorder: MetricsRecorder) async {
        if let field = lastField {
            await recorder.value(.fieldAccuracy, field.accuracy, labels: [("model", "production")])
            if let candidate = field.candidateAccuracy {
                await recorder.value(.fieldAccuracy, candidate, labels: [("model", "candidate")])
            }
        }
        await recorder.value(.productionVersion, Double(shelf.serving?.production?.version ?? 0))
        await recorder.traffic(Traffic(sockets: await channel.traffic(), rejected: rejections.counts))
    }
}
