import Foundation

/// One stream of a `DriftMonitor`: its alarm around a Page-Hinkley detector, and the level
/// (the detector's running mean) that primes the detector when the stream re-arms.
struct MonitoredStream: Sendable {
    let name: String
    private let detector: PageHinkley.Configuration
    private let policy: DriftAlarm.Policy
    private var alarm: DriftAlarm
    /// Values behind the detector's running mean (priming included), since its last reset.
    private var observed = 0

    init(name: String, detector: PageHinkley.Configuration, policy: DriftAlarm.Policy) {
        self.name = name
        self.detector = detector
        self.policy = policy
        self.alarm = DriftAlarm(stream: name, detector: PageHinkley(detector), policy: policy)
    }

    /// Feeds `value`; returns the alarm's alert, if it raises one.
    mutating func observe(_ value: Double, now: Date) -> DriftAlert? {
        let observation = alarm.observe(value, now: now)
        // Page-Hinkley restarts on drift: its running mean starts again from the next value.
        observed = observation.signal == .drift ? 0 : observed + 1
        return observation.alert
    }

    /// Starts over with a fresh alarm whose detector has seen `priming` copies of the current
    /// level (none if the detector has seen nothing since its last reset).
    mutating func rearm(priming: Int) {
        var fresh = PageHinkley(detector)
        let priming = observed > 0 ? priming : 0
        for _ in 0..<priming { _ = fresh.observe(alarm.detector.baseline) }
        alarm = DriftAlarm(stream: name, detector: fresh, policy: policy)
        observed = priming
    }
}
