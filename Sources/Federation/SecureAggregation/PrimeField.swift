/// Arithmetic in the prime field of the Mersenne prime 2^61 − 1, where Shamir
/// shares live. Elements are `UInt64` values below `modulus`.
enum PrimeField {
    static let modulus: UInt64 = (1 << 61) - 1

    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let sum = a + b
        return sum >= modulus ? sum - modulus : sum
    }

    static func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 {
        a >= b ? a - b : a + modulus - b
    }

    /// a·b mod p, using 2^64 ≡ 8 and 2^61 ≡ 1 (mod p).
    static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        let folded = (low & modulus) + (low >> 61) + (high << 3)
        let reduced = (folded & modulus) + (folded >> 61)
        return reduced >= modulus ? reduced - modulus : reduced
    }

    /// a^(p−2), the inverse of a non-zero a (Fermat).
    static func inverse(_ a: UInt64) -> UInt64 {
        var result: UInt64 = 1
        var base = a
        var exponent = modulus - 2
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, base) }
            base = multiply(base, base)
            exponent >>= 1
        }
        return result
    }

    /// A uniformly random element.
    static func random(using generator: inout some RandomNumberGenerator) -> UInt64 {
        UInt64.random(in: 0..<modulus, using: &generator)
    }
}
