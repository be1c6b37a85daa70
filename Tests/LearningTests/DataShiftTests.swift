import Foundation
import Testing

@testable import Learning

@Suite struct DataShiftTests {
    /// One 5×5 image with a single bright pixel right of the centre.
    let image = LabeledData(
        features: (0..<25).map { $0 == 13 ? 1 : 0 }, labels: [3], featureShape: [5, 5], classCount: 10)

    @Test func rotatingByZeroOrAFullTurnKeepsTheImage() throws {
        for degrees in [0.0, 360.0] {
            let rotated = try DataShift.rotate(degrees: degrees).apply(to: image, seed: 1)
            for (a, b) in zip(rotated.features, image.features) { #expect(abs(a - b) < 1e-4) }
        }
    }

    @Test func rotatingAQuarterTurnMovesThePixel() throws {
        let rotated = try DataShift.rotate(degrees: 90).apply(to: image, seed: 1)
        let brightest = rotated.features.indices.max { rotated.features[$0] < rotated.features[$1] }!
        #expect(brightest != 13)
        #expect([7, 17].contains(brightest), "a pixel right of centre moves above or below it: \(brightest)")
        #expect(abs(rotated.features[brightest] - 1) < 1e-4)
        #expect(rotated.labels == image.labels)
    }

    @Test func permutingLabelsIsAFixedBijection() throws {
        let data = LabeledData(features: Array(repeating: 0, count: 10), labels: (0..<10).map(Int32.init), featureShape: [1], classCount: 10)
        let shifted = try DataShift.permuteLabels.apply(to: data, seed: 4)
        #expect(Set(shifted.labels).count == 10)
        #expect(shifted.labels != data.labels)
        #expect(try DataShift.permuteLabels.apply(to: data, seed: 4).labels == shifted.labels)
    }

    @Test func noiseHasTheRequestedSpread() throws {
        let data = LabeledData(features: Array(repeating: 0, count: 20_000), labels: [0], featureShape: [20_000], classCount: 1)
        let noisy = try DataShift.noise(sigma: 0.5).apply(to: data, seed: 2).features
        let mean = noisy.reduce(0, +) / Float(noisy.count)
        let spread = (noisy.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(noisy.count)).squareRoot()
        #expect(abs(mean) < 0.02)
        #expect(abs(spread - 0.5) < 0.02)
    }

    @Test func parsesKindsAndRefusesOthers() throws {
        #expect(try DataShift(parsing: "rotate:60") == .rotate(degrees: 60))
        #expect(try DataShift(parsing: "permute-labels") == .permuteLabels)
        #expect(try DataShift(parsing: "noise:0.3") == .noise(sigma: 0.3))
        #expect(try DataShift(parsing: "swap:fashion-mnist") == .swap(dataset: "fashion-mnist"))
        for bad in ["rotate", "rotate:x", "swirl:3", "noise:-1", "permute-labels:2", "swap:cifar", "swap"] {
            #expect(throws: LearningError.self) { try DataShift(parsing: bad) }
        }
    }

    @Test func swappingDrawsEverySampleFromTheOtherDataSet() throws {
        let other = LabeledData(features: (0..<50).map { Float($0) }, labels: (0..<2).map(Int32.init),
                                featureShape: [5, 5], classCount: 10)
        let swapped = try DataShift.swap(dataset: "fashion-mnist").apply(to: image, seed: 3, replacement: other)
        #expect(swapped.count == image.count)
        #expect(swapped.features.allSatisfy { other.features.contains($0) })
        #expect(throws: LearningError.self) { try DataShift.swap(dataset: "fashion-mnist").apply(to: image, seed: 3) }
    }

    @Test func fashionMNISTChecksumsAreEnforced() throws {
        #expect(throws: LearningError.self) { try FashionMNIST.load(.test, from: "/nonexistent") }
        // MNIST's files are not Fashion-MNIST's: the checksums tell them apart.
        let mnist = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../data/mnist").path
        #expect(throws: LearningError.self) { try FashionMNIST.load(.test, from: mnist) }
    }
}
