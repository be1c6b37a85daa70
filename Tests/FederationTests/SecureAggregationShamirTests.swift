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
        let shares = try ShamirSharing.split(secret, threshold: 3, points: [4, 9, 10, 22, 23, 70], using: &generator)
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
        let shares = try ShamirSharing.split(secret, threshold: 4, points: [1, 2, 3, 4, 5], using: &generator)
        #expect { try ShamirSharing.combine(Array(shares.prefix(3)), threshold: 4, byteCount: 32) } throws: {
            ($0 as? SecAggError)?.kind == .tooFewShares
        }
        // Interpolating t − 1 shares as if they were enough gives no secret at all.
        let guessed = try? ShamirSharing.combine(Array(shares.prefix(3)), threshold: 3, byteCount: 32)
        #expect(guessed != secret)
    }

    @Test func sharesOfOneSecretAreFreshEachTime() throws {
        var generator = SeededGenerator(seed: 4)
        let secret = [UInt8](repeating: 7, count: 32)
        let first = try ShamirSharing.split(secret, threshold: 2, points: [1, 2], using: &generator)
        let second = try ShamirSharing.split(secret, threshold: 2, points: [1, 2], using: &generator)
        #expect(first[0].values != second[0].values)
    }

    @Test func repeatedPointsAreRefused() {
        let share = ShamirShare(x: 5, values: [1, 2, 3, 4, 5])
        #expect(throws: SecAggError.self) { try ShamirSharing.combine([share, share], threshold: 2, byteCount: 32) }
    }

    @Test func noHolderReceivesTheSecretWhateverItsClientID() throws {
        let p = Int(PrimeField.modulus)
        // p − 1 and 2p − 1 are ≡ −1 (mod p): at x = id + 1 their shares would be f(0), the secret.
        var holders = SecureAggregationFixtures.config(clients: 6, threshold: 4)
        holders.participants = [2 * p - 1, 0, 41, p - 1, 7, 1 << 40]
        let points = holders.participants.map { holders.sharePoints[$0]! }
        #expect(points == [6, 1, 3, 5, 2, 4], "positions in the sorted participants")
        var generator = SeededGenerator(seed: 5)
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let shares = try ShamirSharing.split(secret, threshold: holders.threshold, points: points, using: &generator)
        // The secret as the field elements the polynomials hide: each chunk is f(0) of one of them.
        let secretValues = stride(from: 0, to: 32, by: 7).map { start in
            secret[start..<min(start + 7, 32)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        #expect(try ShamirSharing.combine([ShamirShare(x: 1, values: secretValues)], threshold: 1, byteCount: 32) == secret)
        for share in shares { #expect(share.values != secretValues, "the holder at \(share.x) holds the secret") }
        let withLargeIDs = [shares[0], shares[3], shares[5], shares[2]]
        #expect(try ShamirSharing.combine(withLargeIDs, threshold: holders.threshold, byteCount: 32) == secret)
    }

    @Test(arguments: [[3, 5, 3], [0, 1, 2], [1, 2, PrimeField.modulus], [1, 2, UInt64.max]] as [[UInt64]])
    func splitRefusesRepeatedZeroAndOutOfFieldPoints(points: [UInt64]) {
        var generator = SeededGenerator(seed: 6)
        #expect {
            try ShamirSharing.split([UInt8](repeating: 1, count: 32), threshold: 2, points: points, using: &generator)
        } throws: { ($0 as? SecAggError)?.kind == .invalidConfig }
    }

    @Test func splitAcceptsTheLargestFieldElementAsAPoint() throws {
        var generator = SeededGenerator(seed: 7)
        let secret = [UInt8](repeating: 0x5A, count: 32)
        let shares = try ShamirSharing.split(secret, threshold: 2, points: [1, PrimeField.modulus - 1], using: &generator)
        #expect(try ShamirSharing.combine(shares, threshold: 2, byteCount: 32) == secret)
    }
}
