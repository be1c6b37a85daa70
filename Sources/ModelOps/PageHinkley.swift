/// The Page-Hinkley test: a cumulative sum of deviations from the running mean, with a
/// forgetting factor, that signals drift when it moves more than `threshold` away from its
/// extreme. Same recurrence as river's `drift.PageHinkley`; unlike river it also warns at
/// `warningFraction × threshold`, and its defaults suit accuracy-like values in [0, 1].
public struct PageHinkley: DriftDetector {
    /// Settings. The defaults detect a 0.2 drop of a mean whose noise has σ = 0.05 within
    /// 30 observations, and raise no alarm on 10,000 stable ones (see the tests). The
    /// threshold scales with the noise: for noisier streams raise it.
    public struct Configuration: Sendable, Equatable, Encodable {
        /// Observations after a reset before the test may signal (river: 30).
        public var minInstances: Int
        /// Tolerated change of the mean per observation (river: 0.005).
        public var delta: Double
        /// Cumulative deviation that signals drift (river: 50, scaled for unbounded values).
        public var threshold: Double
        /// Fraction of `threshold` at which the test warns.
        public var warningFraction: Double
        /// Forgetting factor applied to the cumulative sums (river: 0.9999).
        public var alpha: Double
        /// Which change counts (river: both).
        public var direction: DriftDirection

        /// Settings with the documented defaults (`threshold` 5, `direction` decrease, rest as river).
        public init(
            minInstances: Int = 30, delta: Double = 0.005, threshold: Double = 5,
            warningFraction: Double = 0.5, alpha: Double = 0.9999, direction: DriftDirection = .decrease
        ) {
            precondition(minInstances >= 1 && threshold > 0 && (0...1).contains(warningFraction))
            precondition(alpha > 0 && alpha <= 1 && delta >= 0)
            self.minInstances = minInstances
            self.delta = delta
            self.threshold = threshold
            self.warningFraction = warningFraction
            self.alpha = alpha
            self.direction = direction
        }
    }

    public static let name = "page-hinkley"

    /// The settings this detector runs with.
    public let configuration: Configuration
    private var count = 0
    private var mean = 0.0
    private var sumIncrease = 0.0
    private var minIncrease = Double.infinity
    private var sumDecrease = 0.0
    private var maxDecrease = -Double.infinity

    /// A detector with `configuration`.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The running mean since the last reset.
    public var baseline: Double { mean }

    public mutating func observe(_ value: Double) -> DriftSignal {
        let c = configuration
        count += 1
        mean += (value - mean) / Double(count)
        let deviation = value - mean
        sumIncrease = c.alpha * sumIncrease + deviation - c.delta
        minIncrease = min(minIncrease, sumIncrease)
        sumDecrease = c.alpha * sumDecrease + deviation + c.delta
        maxDecrease = max(maxDecrease, sumDecrease)
        guard count >= c.minInstances else { return .stable }

        var statistic = 0.0
        if c.direction != .decrease { statistic = max(statistic, sumIncrease - minIncrease) }
        if c.direction != .increase { statistic = max(statistic, maxDecrease - sumDecrease) }
        if statistic > c.threshold {
            self = PageHinkley(c)
            return .drift
        }
        return statistic > c.warningFraction * c.threshold ? .warning : .stable
    }
}
