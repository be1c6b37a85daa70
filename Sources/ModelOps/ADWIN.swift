import Foundation

/// ADaptive WINdowing (Bifet & Gavaldà, 2007): keeps a window of recent values in an
/// exponential histogram and drops its oldest part whenever two sub-windows' means differ by
/// more than a Hoeffding–Bernstein bound at confidence `delta`. Same bound and bucket scheme
/// as river's `drift.ADWIN` (checked every `clock` values once the window exceeds
/// `gracePeriod`). The window always adapts; `direction` only decides which cuts count as drift.
public struct ADWIN: DriftDetector {
    /// Settings; the defaults are river's, with `direction` both.
    public struct Configuration: Sendable, Equatable, Encodable {
        /// Confidence of the cut test: smaller means fewer false alarms and longer delays.
        public var delta: Double
        /// Values between two cut tests.
        public var clock: Int
        /// Buckets of one size kept before two merge.
        public var maxBuckets: Int
        /// Values each sub-window needs before a cut is tested.
        public var minWindowLength: Int
        /// Window length before any cut is tested.
        public var gracePeriod: Int
        /// Which cuts count as drift (the newer mean below the older: decrease).
        public var direction: DriftDirection

        /// Settings with the documented defaults (0.002, 32, 5, 5, 10, both).
        public init(
            delta: Double = 0.002, clock: Int = 32, maxBuckets: Int = 5, minWindowLength: Int = 5,
            gracePeriod: Int = 10, direction: DriftDirection = .both
        ) {
            precondition(delta > 0 && delta < 1 && clock >= 1 && maxBuckets >= 2 && minWindowLength >= 1)
            self.delta = delta
            self.clock = clock
            self.maxBuckets = maxBuckets
            self.minWindowLength = minWindowLength
            self.gracePeriod = gracePeriod
            self.direction = direction
        }
    }

    /// A run of 2^level consecutive values: their sum and sum of squared deviations.
    private struct Bucket {
        var total: Double
        var variance: Double
    }

    public static let name = "adwin"

    /// The settings this detector runs with.
    public let configuration: Configuration
    /// `levels[i]` holds buckets of 2^i values, oldest first; higher levels are older.
    private var levels: [[Bucket]] = [[]]
    private var ticks = 0
    /// Number of values in the window.
    public private(set) var width = 0
    private var total = 0.0
    private var variance = 0.0

    /// A detector with `configuration`.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The mean of the current window.
    public var baseline: Double { width > 0 ? total / Double(width) : 0 }

    public mutating func observe(_ value: Double) -> DriftSignal {
        if width > 0 {
            let n = Double(width)
            variance += n * (value - total / n) * (value - total / n) / (n + 1)
        }
        width += 1
        total += value
        levels[0].append(Bucket(total: value, variance: 0))
        compress()
        ticks += 1
        guard ticks % configuration.clock == 0, width > configuration.gracePeriod else { return .stable }
        return cutWhileChanged() ? .drift : .stable
    }

    /// Merges the two oldest buckets of any level that holds more than `maxBuckets`.
    private mutating func compress() {
        var level = 0
        while level < levels.count, levels[level].count > configuration.maxBuckets {
            let size = Double(1 << level)
            let (a, b) = (levels[level][0], levels[level][1])
            let gap = a.total / size - b.total / size
            let merged = Bucket(total: a.total + b.total, variance: a.variance + b.variance + size * gap * gap / 2)
            levels[level].removeFirst(2)
            if level + 1 == levels.count { levels.append([]) }
            levels[level + 1].append(merged)
            level += 1
        }
    }

    /// Drops the oldest part of the window while some split's means differ significantly;
    /// true if a cut went the configured direction.
    private mutating func cutWhileChanged() -> Bool {
        var drift = false
        while let older = significantCut() {
            let newerMean = (total - older.total) / Double(width - older.count)
            let falling = newerMean < older.total / Double(older.count)
            switch configuration.direction {
            case .both: drift = true
            case .decrease: drift = drift || falling
            case .increase: drift = drift || !falling
            }
            dropOldestBucket()
        }
        return drift
    }

    /// The first split, scanning from the oldest bucket, whose halves differ significantly:
    /// the count and sum of its older half.
    private func significantCut() -> (count: Int, total: Double)? {
        let minimum = configuration.minWindowLength
        var (n0, u0) = (0, 0.0)
        for level in levels.indices.reversed() {
            for (index, bucket) in levels[level].enumerated() {
                n0 += 1 << level
                u0 += bucket.total
                if level == 0 && index == levels[0].count - 1 { return nil }
                let n1 = width - n0
                if n0 >= minimum, n1 >= minimum,
                   abs(u0 / Double(n0) - (total - u0) / Double(n1)) > bound(n0, n1) {
                    return (n0, u0)
                }
            }
        }
        return nil
    }

    /// The Hoeffding–Bernstein bound ε_cut for sub-windows of `n0` and `n1` values.
    private func bound(_ n0: Int, _ n1: Int) -> Double {
        let minimum = configuration.minWindowLength
        let deltaPrime = log(2 * log(Double(width)) / configuration.delta)
        let m = 1 / Double(n0 - minimum + 1) + 1 / Double(n1 - minimum + 1)
        let windowVariance = variance / Double(width)
        return (2 * m * windowVariance * deltaPrime).squareRoot() + 2.0 / 3.0 * deltaPrime * m
    }

    private mutating func dropOldestBucket() {
        let top = levels.count - 1
        let bucket = levels[top].removeFirst()
        if levels[top].isEmpty && top > 0 { levels.removeLast() }
        let n1 = Double(1 << top)
        width -= 1 << top
        total -= bucket.total
        if width > 0 {
            let n = Double(width)
            let gap = bucket.total / n1 - total / n
            variance -= bucket.variance + n1 * n * gap * gap / (n1 + n)
        } else {
            variance = 0
        }
    }
}
