/// The detector benchmark: each detector, with its default settings, on the synthetic
/// streams it is meant for, over a range of seeds. The tests hold the detectors to it and
/// `fedz bench drift` prints it for `bench/drift_compare.py` to repeat with river.
public enum DriftBenchmark {
    /// A stream family of the benchmark: its name and how to draw it from a seed.
    public struct StreamKind: Sendable {
        /// The streams' name.
        public var name: String
        /// Draws the stream for a seed.
        public var make: @Sendable (UInt64) -> SyntheticStream
    }

    /// Change at value 2,000 of 4,000; stable streams have 10,000 values.
    static let changePoint = 2_000

    /// Accuracy-like values, σ = 0.05: a drop from 0.9 to 0.7 at once, a small drop to 0.85,
    /// a gradual drop to 0.7 over 500 values, and 10,000 stable values.
    public static let accuracyStreams: [StreamKind] = [
        StreamKind(name: "gaussian-abrupt") {
            .gaussian(name: "gaussian-abrupt", seed: $0, count: 4_000, sigma: 0.05, before: 0.9, after: 0.7,
                      changePoint: changePoint)
        },
        StreamKind(name: "gaussian-small") {
            .gaussian(name: "gaussian-small", seed: $0, count: 4_000, sigma: 0.05, before: 0.9, after: 0.85,
                      changePoint: changePoint)
        },
        StreamKind(name: "gaussian-gradual") {
            .gaussian(name: "gaussian-gradual", seed: $0, count: 4_000, sigma: 0.05, before: 0.9, after: 0.7,
                      changePoint: changePoint, ramp: 500)
        },
        StreamKind(name: "gaussian-stable") {
            .gaussian(name: "gaussian-stable", seed: $0, count: 10_000, sigma: 0.05, before: 0.9, after: 0.9,
                      changePoint: nil)
        },
    ]

    /// Error streams (1 = mistake): the error rate rises from 0.1 to 0.3 or to 0.15, and
    /// 10,000 stable values at 0.1 and at 0.02.
    public static let errorStreams: [StreamKind] = [
        StreamKind(name: "bernoulli-abrupt") {
            .bernoulli(name: "bernoulli-abrupt", seed: $0, count: 4_000, before: 0.1, after: 0.3,
                       changePoint: changePoint)
        },
        StreamKind(name: "bernoulli-small") {
            .bernoulli(name: "bernoulli-small", seed: $0, count: 4_000, before: 0.1, after: 0.15,
                       changePoint: changePoint)
        },
        StreamKind(name: "bernoulli-stable") {
            .bernoulli(name: "bernoulli-stable", seed: $0, count: 10_000, before: 0.1, after: 0.1, changePoint: nil)
        },
        StreamKind(name: "bernoulli-stable-low") {
            .bernoulli(name: "bernoulli-stable-low", seed: $0, count: 10_000, before: 0.02, after: 0.02,
                       changePoint: nil)
        },
    ]

    /// Each detector with the stream families it is run on.
    public static let matrix: [(detector: any DriftDetector, streams: [StreamKind])] = [
        (PageHinkley(), accuracyStreams),
        (DDM(), errorStreams),
        (ADWIN(), accuracyStreams + errorStreams),
    ]

    /// Every stream of the benchmark for `seeds` (each family draws its own seeded stream).
    public static func streams(seeds: some Sequence<UInt64>) -> [SyntheticStream] {
        let kinds = accuracyStreams + errorStreams
        return seeds.flatMap { seed in kinds.map { $0.make(seed) } }
    }

    /// Every detector's outcome on its streams of `streams`.
    public static func outcomes(on streams: [SyntheticStream]) -> [DetectionOutcome] {
        matrix.flatMap { entry in
            let names = Set(entry.streams.map(\.name))
            return streams.filter { names.contains($0.name) }.map { $0.outcome(of: entry.detector) }
        }
    }
}
