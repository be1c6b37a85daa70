import Learning
import Testing

@testable import Federation

@Suite struct SecureAggregationShamirTests {
    @Test func fieldMultiplicationMatchesWideArithmetic() {
        var generator = SeededGenerator(seed: 1)
        let p = PrimeField.modulus
        for _ in 0..<2_000 {
            let a = UInt64.random(in: 0..<p, using: &generator)
            let b = UInt64.random(in: 0..<p, using: &generator)
            #expect(PrimeField.multiply(a, b) == UInt64((UInt128(a) * UInt128(b)) % UInt128(p)))
            if a != 0 { #expect(PrimeField.multiply(a, PrimeField.inverse(a)) == 1) }
        }
        #expect(PrimeField.multiply(p - 1, p - 1) == 1)
    }

    @Test func anyThresholdOfSharesReconstructsTheSecret() throws {
        var generator = SeededGenerator(seed: 2)
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let shares = ShamirSharing.split(secret, threshold: 3, points: [4, 9, 10, 22, 23, 70], using: &generator)
        var subsets = 0
        for a in 0..<6 {
            for b in (a + 1)..<6 {
                for c in (b + 1)..<6 {
                    #expect(try ShamirSharing.combine([shares[c], shares[a], shares[b]], threshold: 3, byteCount: 32) == secret)
                    subsets += 1
                }
            }
        }
        #expect(subsets == 20)
    }

    @Test func fewerThanThresholdSharesDoNotRevealTheSecret() throws {
        var generator = SeededGenerator(seed: 3)
        let secret = [UInt8](repeating: 0xAB, count: 32)
        let shares = ShamirSharing.split(secret, threshold: 4, points: [1, 2, 3, 4, 5], using: &generator)
        #expect { try ShamirSharing.combine(Array(shares.prefix(3)), threshold: 4, byteCount: 32) } throws: {
            ($0 as? SecAggError)?.kind == .tooFewShares
        }
        // Interpolating t − 1 shares as if they were enough gives no secret at all.
        let guessed = try? ShamirSharing.combine(Array(shares.prefix(3)), threshold: 3, byteCount: 32)
        #expect(guessed != secret)
    }

    @Test func sharesOfOneSecretAreFreshEachTime() {
        var generator = SeededGenerator(seed: 4)
        let secret = [UInt8](repeating: 7, count: 32)
        let first = ShamirSharing.split(secret, threshold: 2, points: [1, 2], using: &generator)
        let second = ShamirSharing.split(secret, threshold: 2, points: [1, 2], using: &generator)
        #expect(first[0].values != second[0].values)
    }

    @Test func repeatedPointsAreRefused() {
        let share = ShamirShare(x: 5, values: [1, 2, 3, 4, 5])
        #expect(throws: SecAggError.self) { try ShamirSharing.combine([share, share], threshold: 2, byteCount: 32) }
    }
}
