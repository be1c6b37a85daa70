import Actors
import Federation
import FedzProtocol
import Foundation
import Telemetry

/// The coordinator's state as metrics and as the dashboard's JSON.
extension Coordinator {
    /// Messages rejected so far, by reason; refused CURVE handshakes count as `handshake_refused`,
    /// messages past the sockets' size limits as `oversized`.
    var rejected: [String: Int] {
        get async {
            var counts = rejections.counts
            for (reason, count) in await runner.deferredRefusals.counts { counts[reason, default: 0] += count }
            let refusals = channel.refusals
            if refusals.oversized > 0 { counts[WireError.Reason.oversized.rawValue, default: 0] += refusals.oversized }
            if refusals.handshakes > 0 { counts["handshake_refused"] = refusals.handshakes }
            return counts
        }
    }

    /// What the coordinator knows now; registry reads that fail leave their part empty.
    func snapshot() async -> CoordinatorSnapshot {
        let now = clock.now
        let current = await runner.progress(now: now)
        let nodes = membership.nodes.keys.sorted().map { id in
            DashboardState.Node(
                id: id, clients: membership.nodes[id]?.count ?? 0,
                lastHeartbeat: membership.detector.lastSeen(of: id).map { (now - $0).seconds })
        }
        let records = await modelOps.records()
        return CoordinatorSnapshot(
            plannedRounds: settings.rounds, history: await history, current: current, nodes: nodes,
            alerts: records.alerts, versions: records.versions, aliases: records.aliases,
            traffic: Traffic(sockets: await channel.traffic(), rejected: await rejected))
    }
}

/// Sets the coordinator's metrics from its snapshot before each scrape.
actor CoordinatorMetrics {
    let recorder: MetricsRecorder
    /// Rounds whose phases are already in the histogram.
    private var phasesRecorded: Set<Int> = []

    init(recorder: MetricsRecorder) {
        self.recorder = recorder
    }

    func refresh(from snapshot: CoordinatorSnapshot) async {
        await recorder.total(.roundsCompleted, snapshot.history.count)
        if let last = snapshot.history.last {
            await recorder.value(.roundParticipants, Double(last.participants))
            await recorder.value(.testAccuracy, last.testAccuracy)
            await recorder.value(.testLoss, last.testLoss)
            await recorder.value(.trainLoss, last.trainLoss)
        }
        if let federated = snapshot.history.last(where: { $0.federated != nil })?.federated {
            await recorder.value(.federatedAccuracy, federated.accuracy)
            await recorder.value(.federatedLoss, federated.loss)
            for (quantile, value) in [("0", federated.minimum), ("0.5", federated.median), ("1", federated.maximum)] {
                await recorder.value(.federatedAccuracy, value, labels: [("quantile", quantile)])
            }
        }
        for result in snapshot.history where !phasesRecorded.contains(result.round) {
            phasesRecorded.insert(result.round)
            for (phase, seconds) in result.phases?.named ?? [] {
                await recorder.duration(.roundPhaseSeconds, seconds: seconds, labels: [("phase", phase)])
            }
        }
        await recorder.value(.liveNodes, Double(snapshot.nodes.count))
        await recorder.value(.registeredClients, Double(snapshot.nodes.reduce(0) { $0 + $1.clients }))
        await recorder.value(.productionVersion, Double(snapshot.aliases[.production] ?? 0))
        await recorder.total(.driftAlerts, snapshot.alerts.count)
        await recorder.value(.openAlerts, Double(snapshot.alerts.filter { $0.state == .open }.count))
        await recorder.traffic(snapshot.traffic)
    }
}
