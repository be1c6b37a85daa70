import Metrics

/// One process's metrics, set from snapshots of its state at scrape time: a total advances
/// its counter by what it grew since the last snapshot, a value sets a gauge, a duration goes
/// into a histogram. Metrics are swift-metrics handles made by an injected factory.
public actor MetricsRecorder {
    public typealias Labels = [(String, String)]

    private let factory: DescribedMetricsFactory
    private var counters: [String: (counter: Counter, total: Int)] = [:]
    private var gauges: [String: Gauge] = [:]
    private var timers: [String: Metrics.Timer] = [:]

    public init(factory: DescribedMetricsFactory = DescribedMetricsFactory()) {
        self.factory = factory
    }

    /// Advances the counter to `total` (a total that went down leaves it where it is).
    public func total(_ metric: FedzMetric, _ total: Int, labels: Labels = []) {
        let key = Self.key(metric, labels)
        let entry = counters[key] ?? (Counter(label: metric.rawValue, dimensions: labels, factory: factory), 0)
        if total > entry.total { entry.counter.increment(by: total - entry.total) }
        counters[key] = (entry.counter, max(total, entry.total))
    }

    /// Sets the gauge.
    public func value(_ metric: FedzMetric, _ value: Double, labels: Labels = []) {
        let key = Self.key(metric, labels)
        let gauge = gauges[key] ?? Gauge(label: metric.rawValue, dimensions: labels, factory: factory)
        gauges[key] = gauge
        gauge.record(value)
    }

    /// Records one observation into the duration histogram.
    public func duration(_ metric: FedzMetric, seconds: Double, labels: Labels = []) {
        let key = Self.key(metric, labels)
        let timer = timers[key] ?? Metrics.Timer(label: metric.rawValue, dimensions: labels, factory: factory)
        timers[key] = timer
        timer.recordNanoseconds(Int64(max(0, seconds) * 1e9))
    }

    /// Message and byte totals of the process's sockets and its rejections by reason.
    public func traffic(_ traffic: Traffic) {
        total(.messagesSent, traffic.messagesSent)
        total(.messagesReceived, traffic.messagesReceived)
        total(.bytesSent, traffic.bytesSent)
        total(.bytesReceived, traffic.bytesReceived)
        total(.messagesDropped, traffic.sendTimeouts, labels: [("reason", "send_timeout")])
        for (reason, count) in traffic.rejected { total(.messagesRejected, count, labels: [("reason", reason)]) }
    }

    /// The Prometheus text exposition of every metric.
    public nonisolated func exposition() -> String {
        factory.registry.emitToString()
    }

    private static func key(_ metric: FedzMetric, _ labels: Labels) -> String {
        ([metric.rawValue] + labels.map { "\($0.0)=\($0.1)" }).joined(separator: "|")
    }
}
