import Testing

@testable import Learning

@Suite struct DataShiftTests {
    /// One 5×5 image with a single bright pixel right of the centre.
    let image = LabeledData(
        features: (0..<25).map { $0 == 13 ? 1 : 0 }, labels: [3], featureShape: [5, 5], classCount: 10)

    @Test func rotatingByZeroOrAFullTurnKeepsTheImage() {
        for degrees in [0.0, 360.0] {
            let rotated = DataShift.rotate(degrees: degrees).apply(to: image, seed: 1)
            for (a, b) in zip(rotated.features, image.features) { #expect(abs(a - b) < 1e-4) }
        }
    }

    @Test func rotatingAQuarterTurnMovesThePixel() {
        let rotated = DataShift.rotate(degrees: 90).apply(to: image, seed: 1)
        let brightest = rotated.features.indices.max { rotated.features[$0] < rotated.features[$1] }!
        #expect(brightest != 13)
        #expect([7, 17].contains(brightest), "a pixel right of centre moves above or below it: \(brightest)")
        #expect(abs(rotated.features[brightest] - 1) < 1e-4)
        #expect(rotated.labels == image.labels)
    }

    @Test func permutingLabelsIsAFixedBijection() {
        let data = LabeledData(features: Array(repeating: 0, count: 10), labels: (0..<10).map(Int32.init), featureShape: [1], classCount: 10)
        let shifted = DataShift.permuteLabels.apply(to: data, seed: 4)
        #expect(Set(shifted.labels).count == 10)
        #expect(shifted.labels != data.labels)
        #expect(DataShift.permuteLabels.apply(to: data, seed: 4).labels == shifted.labels)
    }

    @Test func noiseHasTheRequestedSpread() {
        let data = LabeledData(features: Array(repeating: 0, count: 20_000), labels: [0], featureShape: [20_000], classCount: 1)
        let noisy = DataShift.noise(sigma: 0.5).apply(to: data, seed: 2).features
        let mean = noisy.reduce(0, +) / Float(noisy.count)
        let spread = (noisy.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(noisy.count)).squareRoot()
        #expect(abs(mean) < 0.02)
        #expect(abs(spread - 0.5) < 0.02)
    }

    @Test func parsesKindsAndRefusesOthers() throws {
        #expect(try DataShift(parsing: "rotate:60") == .rotate(degrees: 60))
        #expect(try DataShift(parsing: "permute-labels") == .permuteLabels)
        #expect(try DataShift(parsing: "noise:0.3") == .noise(sigma: 0.3))
        for bad in ["rotate", "rotate:x", "swirl:3", "noise:-1", "permute-labels:2"] {
            #expect(throws: LearningError.self) { try DataShift(parsing: bad) }
        }
    }
}
