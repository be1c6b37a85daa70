import Foundation
@testable import Learning
import Testing

/// Labelled samples of `features` floats each.
func samples(_ rows: [[Float]], labels: [Int32]? = nil) -> LabeledData {
    LabeledData(features: rows.flatMap { $0 }, labels: labels ?? Array(repeating: 0, count: rows.count),
                featureShape: [rows.first?.count ?? 0], classCount: 4)
}

/// `perBlob` points around each of `centres`, Gaussian with standard deviation `sigma`, labelled by blob.
func blobs(_ centres: [[Float]], perBlob: Int, sigma: Float, seed: UInt64) -> LabeledData {
    var generator = SeededGenerator(seed: seed)
    func gaussian() -> Float {
        let u = Float.random(in: Float.ulpOfOne..<1, using: &generator), v = Float.random(in: 0..<1, using: &generator)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
    var rows: [[Float]] = [], labels: [Int32] = []
    for (blob, centre) in centres.enumerated() {
        for _ in 0..<perBlob {
            rows.append(centre.map { $0 + sigma * gaussian() })
            labels.append(Int32(blob))
        }
    }
    return samples(rows, labels: labels)
}

extension LearningTests {
    @Suite struct PrototypeMapTests {
        let centres: [[Float]] = [[0, 0], [4, 0], [0, 4], [4, 4]]

        @Test func theWinnerIsTheNearestPrototypeAndTheRunnerUpTheNextNearest() {
            let map = PrototypeMap(rows: 1, columns: 3, features: 2, prototypes: [0, 0, 1, 0, 5, 5])
            let match = map.bestMatch(for: [Float(0.9), 0.1])
            #expect(match.first == 1 && match.second == 0)
            #expect(abs(match.squaredDistance - 0.02) < 1e-6)
            #expect(map.bestMatch(for: [Float(4), 4]).first == 2)
            #expect(map.bestMatch(for: [Float(0.5), 0]).first == 0, "a tie goes to the lower unit")
        }

        @Test func batchBestMatchesAgreeWithOneByOne() {
            var generator = SeededGenerator(seed: 4)
            let map = PrototypeMap(rows: 3, columns: 4, features: 5, spread: 1, generator: &generator)
            let data = samples((0..<300).map { _ in (0..<5).map { _ in Float.random(in: -1...1, using: &generator) } })
            let matches = map.bestMatches(in: data)
            for (index, match) in matches.enumerated() {
                let single = map.bestMatch(for: data.features[(index * 5)..<(index * 5 + 5)])
                #expect(match.first == single.first && match.second == single.second)
                #expect(abs(match.squaredDistance - single.squaredDistance) < 1e-4)
            }
        }

        @Test func thePresentedSampleMovesTheWinnerAndItsNeighboursByTheGaussian() {
            var map = PrototypeMap(rows: 3, columns: 3, features: 1, prototypes: [0, 0, 0, 0, 0.5, 0, 0, 0, 0])
            map.present([Float(1)], rate: 0.5, radius: 1)
            #expect(abs(map.prototypes[4] - 0.75) < 1e-6, "the winner moves half-way")
            for side in [1, 3, 5, 7] { #expect(abs(map.prototypes[side] - 0.5 * exp(-0.5)) < 1e-6) }
            for corner in [0, 2, 6, 8] { #expect(abs(map.prototypes[corner] - 0.5 * exp(-1)) < 1e-6) }

            var winnerOnly = PrototypeMap(rows: 3, columns: 3, features: 1, prototypes: [0, 0, 0, 0, 0.5, 0, 0, 0, 0])
            winnerOnly.present([Float(1)], rate: 0.5, radius: 0)
            #expect(winnerOnly.prototypes == [0, 0, 0, 0, 0.75, 0, 0, 0, 0])
        }

        @Test func anOnlineMapConvergesOnGaussianBlobsToTheirCentres() {
            let data = blobs(centres, perBlob: 100, sigma: 0.3, seed: 1)
            var generator = SeededGenerator(seed: 2)
            var map = PrototypeMap(rows: 2, columns: 2, features: 2, spread: 0.5, generator: &generator)
            let schedule = MapSchedule(initialRadius: 1, finalRadius: 0.05, initialRate: 0.5, finalRate: 0.02, steps: 20)
            let epochs = map.train(on: data, schedule: schedule, tolerance: 0.05, maxEpochs: 200, seed: 3)
            #expect(epochs < 200, "stopped because the weights stopped changing")
            for centre in centres {
                let nearest = (0..<4).map { unit in
                    zip(map.prototype(unit), centre).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                }.min()!
                #expect(nearest < 0.2, "a prototype within 0.2 of \(centre): \(map.prototypes)")
            }
            // The map keeps its topology: grid neighbours sit on neighbouring blobs, the diagonal does not.
            let quality = MapQuality(map: map, data: data, unitLabels: [0, 1, 2, 3])
            #expect(quality.topographicError < 0.01)
        }

        @Test func competitiveBatchStepsConvergeToTheBlobCentres() throws {
            let data = blobs(centres, perBlob: 100, sigma: 0.3, seed: 5)
            let start: [Float] = [1, 1, 3, -1, -1, 3, 5, 5]
            var map = PrototypeMap(rows: 1, columns: 4, features: 2, prototypes: start)
            for _ in 0..<10 {
                map = PrototypeStatistics(map: map, data: data, radius: 0, classCount: 4).merged(into: map)
            }
            for (unit, centre) in centres.enumerated() {
                for (value, target) in zip(map.prototype(unit), centre) { #expect(abs(value - target) < 0.1, "\(map.prototypes)") }
            }
            let quality = MapQuality(map: map, data: data, unitLabels: [0, 1, 2, 3])
            #expect(quality.accuracy == 1)
            #expect(abs(quality.quantizationError - 0.3 * Double.pi.squareRoot() / 2.squareRoot()) < 0.05,
                    "the mean distance to the centre of a 2-D Gaussian is σ·√(π/2): \(quality.quantizationError)")
        }

        @Test func statisticsAddUpAcrossDisjointDataAndMergeToWeightedMeans() {
            let data = blobs(centres, perBlob: 30, sigma: 1, seed: 7)
            var generator = SeededGenerator(seed: 8)
            let map = PrototypeMap(rows: 2, columns: 3, features: 2, spread: 3, generator: &generator)
            let whole = PrototypeStatistics(map: map, data: data, radius: 0.8, classCount: 4)
            let first = PrototypeStatistics(map: map, data: data.subset(Array(0..<50)), radius: 0.8, classCount: 4)
            let rest = PrototypeStatistics(map: map, data: data.subset(Array(50..<120)), radius: 0.8, classCount: 4)
            for (all, parts) in [(whole.sums, zip(first.sums, rest.sums).map(+)),
                                 (whole.weights, zip(first.weights, rest.weights).map(+)),
                                 (whole.votes, zip(first.votes, rest.votes).map(+))] {
                for (a, b) in zip(all, parts) { #expect(abs(a - b) < 1e-3 * max(1, abs(a))) }
            }
            #expect(whole.votes.reduce(0, +) == 120, "every sample votes once")

            let merged = whole.merged(into: map)
            for unit in 0..<6 where whole.weights[unit] > 0 {
                #expect(abs(merged.prototypes[unit * 2] - whole.sums[unit * 2] / whole.weights[unit]) < 1e-5)
            }
            let empty = PrototypeStatistics(sums: Array(repeating: 0, count: 12), weights: Array(repeating: 0, count: 6),
                                            votes: Array(repeating: 0, count: 24))
            #expect(empty.merged(into: map) == map, "units without weight keep their prototypes")
        }

        @Test func qualityCountsDistancesBrokenNeighboursAndLabels() {
            // Units at 0, 1, 10 on a 1×3 line; unit 2 is nobody's neighbour but unit 1's.
            let map = PrototypeMap(rows: 1, columns: 3, features: 1, prototypes: [0, 1, 10])
            let data = samples([[0.4], [6], [10]], labels: [0, 1, 2])
            let quality = MapQuality(map: map, data: data, unitLabels: [0, 2, nil])
            // distances 0.4, 4, 0; second units 1 (adjacent to 0), 1 (adjacent to 2), 1 (adjacent to 2)
            #expect(abs(quality.quantizationError - 4.4 / 3) < 1e-6)
            #expect(quality.topographicError == 0)
            #expect(abs(quality.accuracy - 1.0 / 3) < 1e-9, "only the first sample's unit has its label")
            let far = MapQuality(map: PrototypeMap(rows: 1, columns: 3, features: 1, prototypes: [0, 10, 1]),
                                 data: samples([[0.4]]), unitLabels: [0, 0, 0])
            #expect(far.topographicError == 1, "the two best units 0 and 2 are not grid neighbours")
        }

        @Test func unitsAreLabelledByMajorityVote() {
            let labels = MapQuality.majorityLabels(votes: [0, 3, 1, 0, 0, 0, 2, 2, 0], classCount: 3)
            #expect(labels == [1, nil, 0])
        }

        @Test func theScheduleShrinksGeometricallyAndStays() {
            let schedule = MapSchedule(initialRadius: 4, finalRadius: 0.5, initialRate: 0.5, finalRate: 0.05, steps: 4)
            #expect(schedule.radius(at: 0) == 4)
            #expect(abs(schedule.radius(at: 1) - 2) < 1e-5)
            #expect(abs(schedule.radius(at: 3) - 0.5) < 1e-6 && abs(schedule.radius(at: 30) - 0.5) < 1e-6)
            #expect(abs(schedule.rate(at: 3) - 0.05) < 1e-6)
        }

        @Test func aLearnersUpdateHasItsParameterShapesAndMergesIntoTheNextMap() throws {
            let learner = PrototypeLearner(rows: 2, columns: 2, features: 2, classCount: 4,
                                           schedule: MapSchedule(initialRadius: 1, finalRadius: 0.1, steps: 5), spread: 1, seed: 1)
            let data = blobs(centres, perBlob: 50, sigma: 0.3, seed: 9)
            let before = learner.evaluate(on: data)
            for round in 1...8 {
                let (report, update) = try learner.learn(
                    from: data, config: TrainingConfig(epochs: 1, batchSize: 1, learningRate: 1, seed: 1), round: round)
                #expect(update.map(\.shape) == learner.parameterSpecs.map(\.shape))
                #expect(report.samples == 200)
                try learner.setParameters(PrototypeLearner.merge(global: learner.parameters(), summedUpdates: update))
            }
            let after = learner.evaluate(on: data)
            let (start, end) = (try #require(before.quantizationError), try #require(after.quantizationError))
            #expect(end < start / 4, "quantization error \(start) → \(end)")
            #expect(after.accuracy > 0.99 && after.topographicError != nil)
            #expect(throws: LearningError.self) { try learner.setParameters([Tensor(zeros: [4, 2])]) }
        }
    }
}
