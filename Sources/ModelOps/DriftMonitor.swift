import Foundation

/// The monitor's decisions, pure: fed field reports and the coordinator's production
/// version, it keeps one `DriftAlarm` per stream and says which alerts to raise.
///
/// Streams: `node/<id>`, one value per field report (its accuracy), and `global`, one
/// value per batch of reports (their sample-weighted accuracy). A batch holds at most one
/// report per node and closes when a node already in it reports again, so with nodes
/// reporting every interval it covers about one interval. Only reports of the production
/// version count; until the coordinator has named one, reports are ignored.
///
/// One drift gives one alert: besides each alarm's hysteresis and cooldown, no stream
/// raises an alert while any alert is open (retraining is federation-wide and the
/// coordinator resolves the alert only once a retrained version has recovered, so a
/// second alert would ask for nothing new); those drifts are counted in `suppressed`. When production changes, every stream re-arms with a fresh
/// detector and no pending batch, primed with the stream's level under the outgoing
/// version, so that a drop that coincides with the change is still measured against it.
public struct DriftMonitor: Sendable {
    /// Detector settings per stream kind, and the alarms' spacing.
    public struct Configuration: Sendable, Equatable {
        /// Page-Hinkley on each node's per-report accuracy.
        public var node: PageHinkley.Configuration
        /// Page-Hinkley on the global per-batch accuracy.
        public var global: PageHinkley.Configuration
        /// Hysteresis and cooldown of every alarm.
        public var policy: DriftAlarm.Policy
        /// Observations of the outgoing version's level that prime a re-armed detector.
        public var priming: Int

        /// Settings; the defaults flag a drop from 0.97 to 0.40 on the first report after
        /// the onset and raise nothing on long stable runs with ±1.5 % noise (see the tests).
        public init(
            node: PageHinkley.Configuration = PageHinkley.Configuration(minInstances: 3, delta: 0.02, threshold: 0.3),
            global: PageHinkley.Configuration = PageHinkley.Configuration(minInstances: 3, delta: 0.01, threshold: 0.15),
            policy: DriftAlarm.Policy = DriftAlarm.Policy(),
            priming: Int = 5
        ) {
            precondition(priming >= 0)
            self.node = node
            self.global = global
            self.policy = policy
            self.priming = priming
        }
    }

    /// An alert to raise, with the production version it concerns.
    public struct Raised: Sendable, Equatable {
        public var alert: DriftAlert
        public var version: Int
    }

    /// The global stream's name.
    public static let globalStream = "global"

    /// The name of node `id`'s stream.
    public static func nodeStream(_ id: String) -> String { "node/\(id)" }

    /// The settings this monitor runs with.
    public let configuration: Configuration
    /// The production version, as the coordinator last reported it.
    public private(set) var production: Int?
    /// Alerts not yet resolved (as known from the registry, and raised since): the version
    /// each concerns, by alert id.
    public private(set) var openAlerts: [Int: Int]
    /// Alerts withheld because an alert was open.
    public private(set) var suppressed = 0
    private var streams: [String: MonitoredStream] = [:]
    private var batch = ReportBatch()
    /// The version of an alert raised and not yet recorded (`onRecorded`).
    private var unrecorded: Int?
    /// Whether the first status after resuming with open alerts is still to come.
    private var resuming: Bool

    /// A monitor that resumes with `openAlerts` from the registry.
    public init(configuration: Configuration = Configuration(), openAlerts: [AlertRecord] = []) {
        self.configuration = configuration
        self.openAlerts = Self.versions(of: openAlerts)
        self.resuming = !self.openAlerts.isEmpty
    }

    /// Takes the coordinator's status. A change of production re-arms every stream. On the
    /// first status after resuming, returns the open alerts of the production version whose
    /// retraining to ask for again because the coordinator holds no candidate (the request
    /// may have been lost with the previous monitor); otherwise returns nothing.
    public mutating func onStatus(production: Int?, candidate: Int?) -> [Int] {
        if production != self.production {
            self.production = production
            batch = ReportBatch()
            for name in streams.keys { streams[name]?.rearm(priming: configuration.priming) }
        }
        guard resuming, let production else { return [] }
        resuming = false
        guard candidate == nil else { return [] }
        return openAlerts.filter { $0.value == production }.keys.sorted()
    }

    /// Takes one field report received at `now`; returns the alert to raise, if any.
    public mutating func onReport(_ report: FieldReport, now: Date) -> Raised? {
        guard let production, report.version == production, report.samples > 0,
              report.accuracy.isFinite, (0...1).contains(report.accuracy)
        else { return nil }
        var raised: Raised?
        if batch.contains(report.node), let value = batch.close() {
            raised = observe(value, on: Self.globalStream, kind: configuration.global, now: now)
        }
        batch.add(report)
        let fromNode = observe(report.accuracy, on: Self.nodeStream(report.node), kind: configuration.node, now: now)
        return raised ?? fromNode
    }

    /// Notes the alert just raised as recorded in the registry under `id`: open from now on.
    public mutating func onRecorded(id: Int) {
        guard let version = unrecorded else { return }
        openAlerts[id] = version
        unrecorded = nil
    }

    /// Replaces the open alerts with the registry's (alerts resolved elsewhere stop blocking;
    /// an alert raised and not recorded is forgotten).
    public mutating func onOpenAlerts(_ records: [AlertRecord]) {
        openAlerts = Self.versions(of: records)
        unrecorded = nil
    }

    private static func versions(of records: [AlertRecord]) -> [Int: Int] {
        Dictionary(records.compactMap { record in record.version.map { (record.id, $0) } }) { _, last in last }
    }

    private mutating func observe(
        _ value: Double, on name: String, kind: PageHinkley.Configuration, now: Date
    ) -> Raised? {
        guard let production else { return nil }
        var stream = streams[name] ?? MonitoredStream(name: name, detector: kind, policy: configuration.policy)
        let alert = stream.observe(value, now: now)
        streams[name] = stream
        guard let alert else { return nil }
        guard unrecorded != production, openAlerts.isEmpty else {
            suppressed += 1
            return nil
        }
        unrecorded = production
        return Raised(alert: alert, version: production)
    }
}
