import Foundation

/// A detector behind hysteresis and a cooldown, so that one drift gives one alert rather
/// than a storm. After an alert the alarm stays raised, and re-arms only once the detector
/// has said `.stable` `rearmAfter` times in a row (warnings break the run) or `rearm()` is
/// called; an armed alarm still raises no second alert within `cooldown` of the first.
/// Pure: time comes in as `now`.
public struct DriftAlarm: Sendable {
    /// How alerts are spaced.
    public struct Policy: Sendable, Equatable {
        /// Consecutive stable observations that re-arm a raised alarm.
        public var rearmAfter: Int
        /// Least time between two alerts of this alarm.
        public var cooldown: TimeInterval

        /// A policy; the defaults re-arm after 30 stable observations and space alerts by 5 minutes.
        public init(rearmAfter: Int = 30, cooldown: TimeInterval = 300) {
            precondition(rearmAfter >= 1 && cooldown >= 0)
            self.rearmAfter = rearmAfter
            self.cooldown = cooldown
        }
    }

    /// What one observation led to.
    public struct Observation: Sendable, Equatable {
        /// The detector's verdict on this value.
        public var signal: DriftSignal
        /// The alert to raise, if this observation raises one.
        public var alert: DriftAlert?
    }

    /// The stream this alarm watches (`global`, `node/3`, …).
    public let stream: String
    /// The spacing rules.
    public let policy: Policy
    /// The wrapped detector.
    public private(set) var detector: any DriftDetector
    /// Whether an alert is raised and not yet re-armed.
    public private(set) var isRaised = false
    /// Drift signals that raised no alert because the alarm was raised or cooling down.
    public private(set) var suppressed = 0
    private var stableRun = 0
    private var lastAlert: Date?

    /// An armed alarm on `stream` around `detector`.
    public init(stream: String, detector: any DriftDetector, policy: Policy = Policy()) {
        self.stream = stream
        self.detector = detector
        self.policy = policy
    }

    /// Feeds `value` observed at `now` to the detector and decides whether to alert.
    public mutating func observe(_ value: Double, now: Date) -> Observation {
        let baseline = detector.baseline
        let signal = detector.observe(value)
        stableRun = signal == .stable ? stableRun + 1 : 0
        if isRaised && stableRun >= policy.rearmAfter { isRaised = false }
        guard signal == .drift else { return Observation(signal: signal, alert: nil) }
        if isRaised || lastAlert.map({ now.timeIntervalSince($0) < policy.cooldown }) == true {
            suppressed += 1
            return Observation(signal: signal, alert: nil)
        }
        isRaised = true
        lastAlert = now
        let alert = DriftAlert(
            detector: type(of: detector).name, stream: stream, value: value, baseline: baseline, time: now)
        return Observation(signal: signal, alert: alert)
    }

    /// Re-arms a raised alarm at once (for example when the drift's alert is resolved);
    /// the cooldown still applies.
    public mutating func rearm() {
        isRaised = false
        stableRun = 0
    }
}

/// A drift worth telling someone about.
public struct DriftAlert: Sendable, Equatable, Codable {
    /// The detector that saw it (`page-hinkley`, `ddm`, `adwin`).
    public var detector: String
    /// The stream it was seen on.
    public var stream: String
    /// The value that tipped the detector.
    public var value: Double
    /// What the detector compared against just before (its running mean, minimum error rate
    /// or window mean).
    public var baseline: Double
    /// When it was observed.
    public var time: Date

    /// An alert with these facts.
    public init(detector: String, stream: String, value: Double, baseline: Double, time: Date) {
        self.detector = detector
        self.stream = stream
        self.value = value
        self.baseline = baseline
        self.time = time
    }
}
