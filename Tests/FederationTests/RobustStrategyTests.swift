import Learning
import Testing

@testable import Federation

@Suite struct RobustStrategyTests {
    private let global = [Tensor(shape: [2], values: [10, 10])]

    @Test func medianTakesTheMiddleCoordinateByCoordinate() {
        let updates = [
            update(1, samples: 1000, delta: [1, -5]), update(2, delta: [3, 0]), update(3, delta: [-100, 2]),
            update(4, delta: [2, 50]), update(5, delta: [7, 1]),
        ]
        // Sorted per coordinate: [−100, 1, 2, 3, 7] → 2; [−5, 0, 1, 2, 50] → 1; samples are ignored.
        #expect(CoordinateMedian().aggregate(global: global, updates: updates)[0].values == [12, 11])
        // An even count averages the two middle values: [1, 2, 3, 7] → 2.5; [−5, 0, 1, 50] → 0.5.
        let even = updates.filter { $0.client != 3 }
        #expect(CoordinateMedian().aggregate(global: global, updates: even)[0].values == [12.5, 10.5])
    }

    @Test func trimmedMeanDropsBetaFromEachEnd() {
        let updates = [
            update(1, delta: [1, 0]), update(2, delta: [2, 0]), update(3, delta: [3, 0]),
            update(4, delta: [4, 0]), update(5, delta: [-1000, 9]),
        ]
        // β = 0.2 of 5 → drop 1 each end: [2, 3, 1]→ mean of [1, 2, 3] = 2; [0, 0, 0] = 0.
        #expect(TrimmedMean(beta: 0.2).aggregate(global: global, updates: updates)[0].values == [12, 10])
        // β = 0.1 of 5 → ⌊0.5⌋ = 0: the plain mean (−990 / 5 = −198; 9 / 5 = 1.8).
        #expect(close(TrimmedMean(beta: 0.1).aggregate(global: global, updates: updates)[0].values, [-188, 11.8]))
    }

    @Test func krumPicksTheDeltaClosestToItsNeighbours() {
        let updates = [
            update(1, delta: [0, 0]), update(2, delta: [1, 0]), update(3, delta: [0, 1]),
            update(4, delta: [1, 1]), update(5, delta: [-30, 40]),
        ]
        // n = 5, f = 1 → 2 nearest neighbours. Squared distances from [0,0]: 1, 1, 2, 2500 → 2;
        // [1,0]: 1, 1, 2 → 2; [0,1]: 1, 1, 2 → 2; [1,1]: 1, 1, 2 → 2; the outlier: ≥ 2500.
        // All honest ones tie at 2; ties go to the first.
        let ranking = Krum.ranking(updates.map { DeltaVector.flatten($0.delta) }, byzantine: 1)
        #expect(ranking.last == 4)
        #expect(ranking.first == 0)
        #expect(Krum(byzantine: 1).aggregate(global: global, updates: updates)[0].values == [10, 10])
        #expect(Krum(byzantine: 1).name == "krum")
    }

    @Test func multiKrumAveragesTheBestScoredDeltas() {
        let updates = [
            update(1, delta: [0, 0]), update(2, delta: [2, 0]), update(3, delta: [0, 2]),
            update(4, delta: [2, 2]), update(5, delta: [-30, 40]),
        ]
        // m = n − f = 4: the four honest deltas, mean [1, 1].
        let multi = Krum(byzantine: 1, selected: nil)
        #expect(multi.name == "multi-krum")
        #expect(multi.aggregate(global: global, updates: updates)[0].values == [11, 11])
        // m = 2: the two best-scored (all honest tie at 8 → the first two by index): mean [1, 0].
        #expect(Krum(byzantine: 1, selected: 2).aggregate(global: global, updates: updates)[0].values == [11, 10])
    }

    @Test func normBoundingScalesLargeDeltasDownBeforeTheInnerStrategy() {
        var bounded = NormBounded(FedAvg(), bound: .fixed(5))
        // [30, 40] has norm 50 → scaled to [3, 4]; [0, 1] is inside the bound.
        let next = bounded.aggregate(global: global, updates: [update(1, delta: [30, 40]), update(2, delta: [0, 1])])
        #expect(close(next[0].values, [11.5, 12.5]))
        #expect(bounded.name == "fedavg+clip")
    }

    @Test func medianNormBoundingCutsOutsizedDeltasToTheRoundsMedianNorm() {
        var bounded = NormBounded(FedAvg(), bound: .median)
        // Norms 1, 2 and 50: the median is 2, so [0, 50] becomes [0, 2]; the others pass.
        let next = bounded.aggregate(
            global: global, updates: [update(1, delta: [1, 0]), update(2, delta: [0, 2]), update(3, delta: [0, -50])])
        #expect(close(next[0].values, [10 + 1.0 / 3, 10]))
        #expect(NormBound.median.limit(norms: [4, 1, 3, 2]) == 2.5)
    }

    @Test func normBoundsParseANumberOrMedian() throws {
        #expect(try NormBound(parsing: "median") == .median)
        #expect(try NormBound(parsing: "2.5") == .fixed(2.5))
        for bad in ["0", "-1", "nan", "inf", "mean", ""] {
            #expect(throws: PlanError.self) { try NormBound(parsing: bad) }
        }
    }

    @Test func normBoundingKeepsTheInnerStrategysStateAndConfiguration() {
        var bounded = NormBounded(FedAvgM(learningRate: 1, momentum: 0.5), bound: .fixed(1))
        let first = bounded.aggregate(global: global, updates: [update(1, delta: [0, 3])])
        #expect(first[0].values == [10, 11])
        // v = 0.5·[0, 1] + [1, 0] = [1, 0.5].
        #expect(bounded.aggregate(global: first, updates: [update(1, delta: [2, 0])])[0].values == [11, 11.5])
        let proximal = NormBounded(FedProx(mu: 0.1), bound: .fixed(1))
            .configure(TrainingConfig(epochs: 1, batchSize: 1, learningRate: 1, seed: 1))
        #expect(proximal.proximalMu == 0.1)
    }
}
