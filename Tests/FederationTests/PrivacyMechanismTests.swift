import Learning
import Testing

@testable import Federation

@Suite struct PrivacyMechanismTests {
    @Test func clippingBoundsTheNormAndKeepsTheDirection() {
        let clipped = L2Clipping.clip([3, 4], toNorm: 1)
        #expect(abs(L2Clipping.norm(clipped) - 1) < 1e-6)
        #expect(abs(clipped[0] / clipped[1] - 0.75) < 1e-6)
        #expect(L2Clipping.clip([0.3, 0.4], toNorm: 1) == [0.3, 0.4])
    }

    @Test func gaussianNoiseHasTheRequestedMoments() {
        var generator = SeededGenerator(seed: 3)
        let noise = GaussianNoise.add(to: [Float](repeating: 0, count: 100_001), standardDeviation: 2, using: &generator)
        let n = Double(noise.count)
        let mean = noise.reduce(0) { $0 + Double($1) } / n
        let variance = noise.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        let fourth = noise.reduce(0) { $0 + pow4(Double($1) - mean) } / n
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 4) < 0.08)
        #expect(abs(fourth / (variance * variance) - 3) < 0.1, "kurtosis of a normal is 3")
    }

    private func pow4(_ x: Double) -> Double { x * x * x * x }

    @Test func serverNoiseScalesWithSigmaTimesClippingNorm() {
        let privacy = DifferentialPrivacy(clippingNorm: 0.5, noiseMultiplier: 2)
        var generator = SeededGenerator(seed: 4)
        let average = privacy.noisyAverage(sum: [Float](repeating: 10, count: 50_000), expectedClients: 10, using: &generator)
        let mean = average.reduce(0) { $0 + Double($1) } / Double(average.count)
        let variance = average.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(average.count)
        #expect(abs(mean - 1) < 0.01)
        // std σC / n = 2 · 0.5 / 10 = 0.1
        #expect(abs(variance.squareRoot() - 0.1) < 0.003)
    }

    @Test func clientsClipAndOptionallyAddLocalNoise() {
        var generator = SeededGenerator(seed: 5)
        let update: [Float] = [6, 8]
        let central = DifferentialPrivacy(clippingNorm: 1, noiseMultiplier: 1)
        #expect(central.privatize(update: update, using: &generator) == L2Clipping.clip(update, toNorm: 1))
        let local = DifferentialPrivacy(clippingNorm: 1, noiseMultiplier: 1, localNoiseMultiplier: 0.5)
        let noisy = local.privatize(update: [Float](repeating: 0, count: 20_000), using: &generator)
        let std = (noisy.reduce(0) { $0 + Double($1) * Double($1) } / Double(noisy.count)).squareRoot()
        #expect(abs(std - 0.5) < 0.02)
    }
}
