import Foundation
import Testing

@testable import Federation

@Suite struct PrivacyAccountantTests {
    /// dp-accounting 0.6.0, `bench/dp_accounting_reference.py`: (q, σ, rounds, δ) → ε, optimal order.
    static let references: [(q: Double, sigma: Double, rounds: Int, delta: Double, epsilon: Double, order: Double)] = [
        (0.1, 1.0, 20, 1e-5, 4.224294366910831, 4.2),
        (0.01, 1.1, 1000, 1e-5, 1.7117701662429012, 9.6),
        (0.1, 0.8, 100, 1e-6, 13.95042830217513, 2.5),
        (1.0, 2.0, 10, 1e-5, 8.079406222420491, 3.9),
    ]

    @Test(arguments: references.indices)
    func epsilonMatchesDPAccounting(case index: Int) {
        let reference = Self.references[index]
        var accountant = RDPAccountant()
        for _ in 0..<reference.rounds {
            accountant.compose(samplingRate: reference.q, noiseMultiplier: reference.sigma)
        }
        let loss = accountant.loss(delta: reference.delta)
        #expect(abs(loss.epsilon - reference.epsilon) <= 1e-9 * reference.epsilon, "ε \(loss.epsilon)")
        #expect(loss.order == reference.order)
        #expect(loss.steps == reference.rounds)
    }

    @Test func oneStepRDPMatchesDPAccounting() {
        // dp-accounting 0.6.0 for q = 0.1, σ = 1 (it reports +∞ at α = 1.5, where its series does not converge).
        let reference: [Double: Double] = [
            1.5: .infinity, 2: 0.017036863236176605, 3.7: 0.04842059131390521, 10: 2.4428163733756034,
            32: 13.623137968522595, 256: 125.68838516154322,
        ]
        for (order, expected) in reference {
            let rdp = SampledGaussianRDP.rdp(samplingRate: 0.1, noiseMultiplier: 1, order: order)
            #expect(rdp == expected || abs(rdp - expected) <= 1e-10 * expected, "α = \(order): \(rdp)")
        }
    }

    @Test func fullSamplingIsTheGaussianMechanismInClosedForm() {
        for order in [1.5, 2, 7.3, 64] {
            #expect(SampledGaussianRDP.rdp(samplingRate: 1, noiseMultiplier: 1.7, order: order) == order / (2 * 1.7 * 1.7))
        }
        #expect(SampledGaussianRDP.rdp(samplingRate: 0, noiseMultiplier: 1, order: 8) == 0)
    }

    /// Independent check: A_α = E_{z∼N(0,σ²)}[((1−q) + q·e^{(2z−1)/(2σ²)})^α] by the
    /// trapezoidal rule. Integer orders are exact; the fractional series bounds it from above.
    @Test(arguments: [(0.1, 1.0, 10.0), (0.05, 2.0, 6.0), (0.1, 1.0, 3.7), (0.1, 0.8, 2.5), (0.01, 1.1, 9.6)])
    func rdpAgreesWithNumericalIntegration(q: Double, sigma: Double, order: Double) {
        let low = -40 * sigma
        let high = order + 40 * sigma
        let points = 200_000
        let h = (high - low) / Double(points)
        var integral = 0.0
        for index in 0...points {
            let z = low + Double(index) * h
            let density = exp(-z * z / (2 * sigma * sigma)) / (2 * Double.pi * sigma * sigma).squareRoot()
            let value = density * pow((1 - q) + q * exp((2 * z - 1) / (2 * sigma * sigma)), order)
            integral += (index == 0 || index == points ? 0.5 : 1) * value * h
        }
        let exact = log(integral) / (order - 1)
        let series = SampledGaussianRDP.rdp(samplingRate: q, noiseMultiplier: sigma, order: order)
        if order == order.rounded() {
            #expect(abs(series - exact) <= 1e-7 * exact, "series \(series), integral \(exact)")
        } else {
            #expect(series >= exact * (1 - 1e-9) && series <= exact * 1.02, "series \(series), integral \(exact)")
        }
    }

    @Test func epsilonGrowsWithRoundsAndShrinksWithNoise() {
        var quiet = RDPAccountant()
        var noisy = RDPAccountant()
        var previous = 0.0
        for _ in 1...5 {
            quiet.compose(samplingRate: 0.1, noiseMultiplier: 0.9)
            noisy.compose(samplingRate: 0.1, noiseMultiplier: 1.5)
            let epsilon = quiet.loss(delta: 1e-5).epsilon
            #expect(epsilon > previous)
            #expect(noisy.loss(delta: 1e-5).epsilon < epsilon)
            previous = epsilon
        }
        #expect(RDPAccountant().loss(delta: 1e-5).epsilon == 0)
    }
}
