import Foundation
import Learning

/// A seeded stream of numbers with a known change point, for testing and benchmarking
/// drift detectors (the same values go to river in `bench/drift_compare.py`).
public struct SyntheticStream: Sendable, Equatable, Codable {
    /// What the stream shows, e.g. `gaussian-abrupt`.
    public var name: String
    /// The seed its values were drawn with.
    public var seed: UInt64
    /// Index of the first changed value; nil for a stream that never changes.
    public var changePoint: Int?
    /// The values.
    public var values: [Double]

    /// Gaussian values with standard deviation `sigma` whose mean is `before` until
    /// `changePoint`, then moves linearly to `after` over `ramp` values (0: at once).
    /// Values are not clamped. A nil `changePoint` keeps the mean at `before`.
    public static func gaussian(
        name: String, seed: UInt64, count: Int, sigma: Double,
        before: Double, after: Double, changePoint: Int?, ramp: Int = 0
    ) -> SyntheticStream {
        var generator = SeededGenerator(seed: seed)
        let values = (0..<count).map { index in
            mean(at: index, before: before, after: after, changePoint: changePoint, ramp: ramp)
                + sigma * standardNormal(using: &generator)
        }
        return SyntheticStream(name: name, seed: seed, changePoint: changePoint, values: values)
    }

    /// Bernoulli values (1 with probability `before`, from `changePoint` on `after`): an
    /// error stream where 1 is a mistake.
    public static func bernoulli(
        name: String, seed: UInt64, count: Int, before: Double, after: Double, changePoint: Int?
    ) -> SyntheticStream {
        var generator = SeededGenerator(seed: seed)
        let values = (0..<count).map { index in
            let p = changePoint.map { index >= $0 } == true ? after : before
            return Double.random(in: 0..<1, using: &generator) < p ? 1.0 : 0.0
        }
        return SyntheticStream(name: name, seed: seed, changePoint: changePoint, values: values)
    }

    private static func mean(at index: Int, before: Double, after: Double, changePoint: Int?, ramp: Int) -> Double {
        guard let changePoint, index >= changePoint else { return before }
        let progress = ramp == 0 ? 1 : min(1, Double(index - changePoint + 1) / Double(ramp))
        return before + (after - before) * progress
    }

    /// A standard normal draw (Box–Muller).
    private static func standardNormal(using generator: inout SeededGenerator) -> Double {
        let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
        let u2 = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// How a detector fared on one synthetic stream.
public struct DetectionOutcome: Sendable, Equatable, Codable {
    /// The detector's name.
    public var detector: String
    /// The stream's name.
    public var stream: String
    /// The stream's seed.
    public var seed: UInt64
    /// Drift signals before the change point (on a stable stream: all of them).
    public var falseAlarms: Int
    /// Changed values read up to and including the first drift signal at or after the
    /// change point (1: flagged on the first changed value); nil if never flagged.
    public var delay: Int?
}

extension SyntheticStream {
    /// Runs `detector` over the stream from its start.
    public func outcome(of detector: some DriftDetector) -> DetectionOutcome {
        var detector = detector
        var falseAlarms = 0
        var delay: Int?
        for (index, value) in values.enumerated() where detector.observe(value) == .drift {
            guard let changePoint, index >= changePoint else {
                falseAlarms += 1
                continue
            }
            delay = index - changePoint + 1
            break
        }
        return DetectionOutcome(
            detector: type(of: detector).name, stream: name, seed: seed, falseAlarms: falseAlarms, delay: delay)
    }
}
