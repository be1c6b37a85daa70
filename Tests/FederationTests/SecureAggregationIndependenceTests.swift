import Learning
import Testing

@testable import Federation

/// What the server holds for one client — its masked input — must look uniform in
/// Z_(2^32) whatever the input, so it tells nothing about the update.
@Suite struct SecureAggregationIndependenceTests {
    typealias Fixtures = SecureAggregationFixtures
    static let trials = 8
    static let length = 4_096
    /// χ² with 255 degrees of freedom exceeds this with probability about 10⁻⁴.
    static let chiSquareLimit = 340.0

    /// Client 10's masked inputs over `trials` rounds with fresh keys, given its input.
    private func maskedInputs(of input: (Int) -> [UInt32]) throws -> [[UInt32]] {
        let config = Fixtures.config(clients: 3, threshold: 2, length: Self.length)
        return try (0..<Self.trials).map { trial in
            var round = try SecAggLocalRound(config: config, seed: UInt64(100 + trial), now: .now)
            round.advertiseKeys()
            round.shareKeys()
            let received = round.maskInputs { id in id == 10 ? input(trial) : [UInt32](repeating: 7, count: Self.length) }
            round.unmask()
            #expect(round.directive != .wait)
            return try #require(received.first { $0.client == 10 }).values
        }
    }

    /// Counts of the top byte of each word.
    private func histogram(_ words: [[UInt32]]) -> [Double] {
        words.joined().reduce(into: [Double](repeating: 0, count: 256)) { $0[Int($1 >> 24)] += 1 }
    }

    private func chiSquareAgainstUniform(_ counts: [Double]) -> Double {
        let expected = counts.reduce(0, +) / 256
        return counts.reduce(0) { $0 + ($1 - expected) * ($1 - expected) / expected }
    }

    @Test func maskedInputsAreUniformForExtremeInputs() throws {
        let levels = Fixtures.config(clients: 3, threshold: 2).quantizationLevels
        let zeros = histogram(try maskedInputs { _ in [UInt32](repeating: 0, count: Self.length) })
        let maxima = histogram(try maskedInputs { _ in [UInt32](repeating: levels, count: Self.length) })
        #expect(chiSquareAgainstUniform(zeros) < Self.chiSquareLimit)
        #expect(chiSquareAgainstUniform(maxima) < Self.chiSquareLimit)
        // Two-sample χ² between the two inputs' histograms (equal totals).
        let twoSample = zip(zeros, maxima).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) / max($1.0 + $1.1, 1) }
        #expect(twoSample < Self.chiSquareLimit)
        // The same statistic flags the unmasked inputs at once: the test can fail.
        var generator = SeededGenerator(seed: 9)
        let raw = (0..<Self.trials).map { _ in (0..<Self.length).map { _ in UInt32.random(in: 0...levels, using: &generator) } }
        #expect(chiSquareAgainstUniform(histogram(raw)) > 100 * Self.chiSquareLimit)
    }

    @Test func maskedInputsAreUncorrelatedWithVaryingInputs() throws {
        let levels = Fixtures.config(clients: 3, threshold: 2).quantizationLevels
        var generator = SeededGenerator(seed: 10)
        let inputs = (0..<Self.trials).map { _ in (0..<Self.length).map { _ in UInt32.random(in: 0...levels, using: &generator) } }
        let masked = try maskedInputs { inputs[$0] }
        let x = inputs.joined().map(Double.init)
        let y = masked.joined().map(Double.init)
        let correlation = pearson(x, y)
        #expect(abs(correlation) < 4 / Double(x.count).squareRoot(), "r = \(correlation)")
        #expect(pearson(x, x.map { $0 + 1 }) > 0.99, "the statistic sees a dependence when there is one")
    }

    private func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n
        let my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }
}
