/// What a drift detector concludes after one observation.
public enum DriftSignal: Int, Sendable, Comparable, CustomStringConvertible {
    /// No evidence of change.
    case stable
    /// Some evidence of change: worth watching, not yet an alarm.
    case warning
    /// The stream has changed.
    case drift

    public static func < (lhs: DriftSignal, rhs: DriftSignal) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .stable: "stable"
        case .warning: "warning"
        case .drift: "drift"
        }
    }
}

/// Which way a change must go to count as drift.
public enum DriftDirection: String, Sendable, Codable, CaseIterable {
    /// The stream's mean falls (an accuracy that drops).
    case decrease
    /// The stream's mean rises (an error rate that climbs).
    case increase
    /// Either way.
    case both
}

/// An online change detector over a stream of numbers: pure, with no clock and no I/O.
/// Feed it one value at a time; after `.drift` it follows the new regime (Page-Hinkley and DDM
/// restart, ADWIN has dropped the older part of its window).
public protocol DriftDetector: Sendable {
    /// The detector's name as recorded in alerts (`page-hinkley`, `ddm`, `adwin`).
    static var name: String { get }
    /// Takes the next value of the stream and says whether the stream has changed.
    mutating func observe(_ value: Double) -> DriftSignal
    /// The mean the detector currently compares against (the baseline reported with an alert).
    var baseline: Double { get }
}
