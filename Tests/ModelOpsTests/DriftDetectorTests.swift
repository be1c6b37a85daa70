import ModelOps
import Testing

/// The documented delays: each detector with its defaults on its benchmark streams, seeds 1…20.
/// Bounds are the worst delays measured on seeds 1…100 (`fedz bench drift --seeds 100`), rounded up.
struct DriftDetectorTests {
    static let seeds: ClosedRange<UInt64> = 1...20
    static let outcomes = DriftBenchmark.outcomes(on: DriftBenchmark.streams(seeds: seeds))

    static let delayBounds: [(detector: String, stream: String, bound: Int)] = [
        ("page-hinkley", "gaussian-abrupt", 30),
        ("page-hinkley", "gaussian-small", 150),
        ("page-hinkley", "gaussian-gradual", 200),
        ("ddm", "bernoulli-abrupt", 600),
        ("adwin", "gaussian-abrupt", 64),
        ("adwin", "gaussian-small", 320),
        ("adwin", "gaussian-gradual", 320),
        ("adwin", "bernoulli-abrupt", 256),
    ]

    @Test(arguments: delayBounds)
    func flagsTheChangeWithinItsDocumentedDelay(detector: String, stream: String, bound: Int) {
        let runs = Self.outcomes.filter { $0.detector == detector && $0.stream == stream }
        #expect(runs.count == Self.seeds.count)
        for run in runs {
            #expect(run.falseAlarms == 0, "seed \(run.seed): alarm before the change")
            guard let delay = run.delay else {
                Issue.record("seed \(run.seed): change missed")
                continue
            }
            #expect(delay <= bound, "seed \(run.seed): delay \(delay)")
        }
    }

    @Test(arguments: [
        ("page-hinkley", "gaussian-stable"), ("ddm", "bernoulli-stable"), ("adwin", "gaussian-stable"),
        ("adwin", "bernoulli-stable"), ("adwin", "bernoulli-stable-low"),
    ])
    func raisesNoAlarmOnTenThousandStableValues(detector: String, stream: String) {
        let runs = Self.outcomes.filter { $0.detector == detector && $0.stream == stream }
        #expect(runs.count == Self.seeds.count)
        #expect(runs.allSatisfy { $0.falseAlarms == 0 }, "\(runs.filter { $0.falseAlarms > 0 }.map(\.seed))")
    }

    @Test func stableStreamsHaveTenThousandValuesAndNoChangePoint() {
        let stable = DriftBenchmark.streams(seeds: [7]).filter { $0.name.hasSuffix("stable") }
        #expect(stable.count == 2)
        #expect(stable.allSatisfy { $0.values.count == 10_000 && $0.changePoint == nil })
    }

    @Test func streamsAreReproducibleFromTheirSeed() {
        #expect(DriftBenchmark.streams(seeds: [3]) == DriftBenchmark.streams(seeds: [3]))
        #expect(DriftBenchmark.streams(seeds: [3]) != DriftBenchmark.streams(seeds: [4]))
    }

    @Test func pageHinkleyIgnoresARiseWhenWatchingForDrops() {
        let rise = SyntheticStream.gaussian(
            name: "rise", seed: 1, count: 4_000, sigma: 0.05, before: 0.7, after: 0.9, changePoint: 2_000)
        #expect(rise.outcome(of: PageHinkley()).delay == nil)
        #expect(rise.outcome(of: PageHinkley(.init(direction: .increase))).delay ?? .max <= 30)
        #expect(rise.outcome(of: PageHinkley(.init(direction: .both))).delay ?? .max <= 30)
    }

    @Test func pageHinkleyWarnsBeforeItSignalsDrift() {
        var detector = PageHinkley()
        for _ in 0..<100 { #expect(detector.observe(0.9) == .stable) }
        var signals: [DriftSignal] = []
        while signals.last != .drift, signals.count < 100 { signals.append(detector.observe(0.7)) }
        #expect(signals.last == .drift)
        #expect(signals.contains(.warning))
        #expect(signals.firstIndex(of: .warning)! < signals.firstIndex(of: .drift)!)
    }

    @Test func ddmTakesNoFirstMistakeAfterAnErrorFreeWarmUpForDrift() {
        var detector = DDM(.init(warmStart: 30))
        for _ in 0..<40 { #expect(detector.observe(0) == .stable) }
        #expect(detector.observe(1) == .stable)
        #expect(detector.baseline > 0)
    }

    @Test func ddmResetsAfterDrift() {
        var detector = DDM(.init(warmStart: 30))
        var generator = SyntheticStream.bernoulli(
            name: "errors", seed: 5, count: 3_000, before: 0.1, after: 0.5, changePoint: 1_000
        ).values.makeIterator()
        var signal = DriftSignal.stable
        while signal != .drift, let value = generator.next() { signal = detector.observe(value) }
        #expect(signal == .drift)
        #expect(detector.baseline == 0)
    }

    @Test func adwinShrinksItsWindowToTheNewRegime() {
        var detector = ADWIN()
        let stream = SyntheticStream.gaussian(
            name: "drop", seed: 2, count: 3_000, sigma: 0.05, before: 0.9, after: 0.5, changePoint: 2_000)
        for value in stream.values.prefix(2_000) { _ = detector.observe(value) }
        #expect(detector.width == 2_000)
        #expect(abs(detector.baseline - 0.9) < 0.01)
        for value in stream.values.dropFirst(2_000) { _ = detector.observe(value) }
        #expect(detector.width <= 1_000)
        #expect(abs(detector.baseline - 0.5) < 0.01)
    }

    @Test func adwinReportsOnlyCutsInItsDirection() {
        let rise = SyntheticStream.gaussian(
            name: "rise", seed: 3, count: 4_000, sigma: 0.05, before: 0.7, after: 0.9, changePoint: 2_000)
        #expect(rise.outcome(of: ADWIN(.init(direction: .decrease))).delay == nil)
        #expect(rise.outcome(of: ADWIN(.init(direction: .increase))).delay ?? .max <= 64)
    }
}
