import Actors
import FedzProtocol
import Testing

@testable import Telemetry

/// The recorder's snapshot semantics and its Prometheus text, without HTTP.
struct MetricsRecorderTests {
    /// The value of the sample line `series` (name with its labels) in `text`.
    func sample(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test func totalsAdvanceCountersByWhatTheyGrewAndNeverGoBack() async {
        let recorder = MetricsRecorder()
        await recorder.total(.roundsCompleted, 2)
        await recorder.total(.roundsCompleted, 5)
        await recorder.total(.roundsCompleted, 3)
        #expect(sample("fedz_rounds_completed_total", in: recorder.exposition()) == 5)
        await recorder.total(.roundsCompleted, 6)
        #expect(sample("fedz_rounds_completed_total", in: recorder.exposition()) == 6)
    }

    @Test func everyMetricHasHelpAndTypeAndLabelsStaySeparate() async {
        let recorder = MetricsRecorder()
        await recorder.value(.fieldAccuracy, 0.25, labels: [("node", "node-0")])
        await recorder.value(.fieldAccuracy, 0.75, labels: [("node", "node-1")])
        await recorder.duration(.roundPhaseSeconds, seconds: 0.3, labels: [("phase", "collect")])
        await recorder.traffic(Traffic(
            sockets: [SocketCounters(sent: 2, received: 3, bytesSent: 100, bytesReceived: 40, dropped: 1),
                      SocketCounters(sent: 1, bytesSent: 10)],
            rejected: ["checksum": 4]))
        let text = recorder.exposition()
        #expect(sample("fedz_field_accuracy_ratio{node=\"node-0\"}", in: text) == 0.25)
        #expect(sample("fedz_field_accuracy_ratio{node=\"node-1\"}", in: text) == 0.75)
        #expect(sample("fedz_round_phase_seconds_count{phase=\"collect\"}", in: text) == 1)
        #expect(sample("fedz_round_phase_seconds_bucket{phase=\"collect\",le=\"0.5\"}", in: text) == 1)
        #expect(sample("fedz_round_phase_seconds_bucket{phase=\"collect\",le=\"0.25\"}", in: text) == 0)
        #expect(sample("fedz_messages_sent_total", in: text) == 3)
        #expect(sample("fedz_sent_bytes_total", in: text) == 110)
        #expect(sample("fedz_received_bytes_total", in: text) == 40)
        #expect(sample("fedz_messages_dropped_total{reason=\"send_timeout\"}", in: text) == 1)
        #expect(sample("fedz_messages_rejected_total{reason=\"checksum\"}", in: text) == 4)
        let names = Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            String($0.prefix { $0 != "{" && $0 != " " }).replacing(/_(bucket|sum|count)$/, with: "")
        })
        for name in names {
            #expect(text.contains("# HELP \(name) "), "help for \(name)")
            #expect(text.contains("# TYPE \(name) "), "type for \(name)")
        }
    }

    @Test func metricsOptionsServeOnTheDefaultPortUnlessTurnedOff() throws {
        #expect(try MetricsOptions.parse([]).endpoint(defaultPort: 9471)! == ("127.0.0.1", 9471))
        #expect(try MetricsOptions.parse(["--metrics-port", "0"]).endpoint(defaultPort: 9471)! == ("127.0.0.1", 0))
        #expect(try MetricsOptions.parse(["--no-metrics"]).endpoint(defaultPort: 9471) == nil)
        #expect(try MetricsOptions.parse(["--no-metrics"]).arguments(port: 5) == ["--no-metrics"])
        #expect(throws: (any Error).self) { try MetricsOptions.parse(["--metrics-port", "70000"]) }
    }
}
