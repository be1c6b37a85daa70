/// Elementwise exp, sigmoid and tanh over contiguous Float buffers, eight lanes at a time (a tail
/// shorter than eight goes through the same lanes, padded), so every element gets the same formula.
/// exp uses the Cephes single-precision polynomial after range reduction by ln 2 (relative error
/// ≈ 2⁻²³ within ±87); sigmoid(x) = 1 / (1 + e⁻ˣ) and tanh(x) = 1 − 2 / (e²ˣ + 1). The entry points
/// are optimised even in debug builds, where generic SIMD code otherwise runs lane by lane through calls.
enum VectorMath {
    typealias Lanes = SIMD8<Float>

    /// x ← sigmoid(x) for `count` elements.
    @_optimize(speed)
    static func sigmoid(_ x: UnsafeMutablePointer<Float>, count: Int) {
        apply(x, count: count) { 1 / (1 + exp(-$0)) }
    }

    /// y ← tanh(x) for `count` elements; `y` may equal `x`.
    @_optimize(speed)
    static func tanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        apply(x, into: y, count: count) { 1 - 2 / (exp($0 + $0) + 1) }
    }

    /// x ← tanh(x) for `count` elements.
    static func tanh(_ x: UnsafeMutablePointer<Float>, count: Int) { tanh(x, into: x, count: count) }

    @inline(__always)
    private static func apply(_ x: UnsafeMutablePointer<Float>, count: Int, _ f: (Lanes) -> Lanes) {
        apply(x, into: x, count: count, f)
    }

    @inline(__always)
    private static func apply(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int,
                              _ f: (Lanes) -> Lanes) {
        var i = 0
        while i + 8 <= count {
            UnsafeMutableRawPointer(y + i).storeBytes(
                of: f(UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)), as: Lanes.self)
            i += 8
        }
        guard i < count else { return }
        var tail = Lanes()
        for lane in 0..<(count - i) { tail[lane] = x[i + lane] }
        let result = f(tail)
        for lane in 0..<(count - i) { y[i + lane] = result[lane] }
    }

    /// e^x per lane; inputs are clamped to [−87.3, 88.3] (results from about 1.2e−38 to 2.4e38).
    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        let (low, high) = (Lanes(repeating: -87.3), Lanes(repeating: 88.3))
        let x = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        // n = round(x / ln 2) by adding 1.5·2²³: the sum's low mantissa bits then hold n.
        let shifter = Lanes(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + shifter
        let n = shifted - shifter
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = Lanes(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * r * r + r + 1
        // 2ⁿ: n + 127 in the exponent field (the shifter's own bits shift out of the word).
        let bits = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &<< 23 &+ SIMD8(repeating: 127 << 23)
        return p * unsafeBitCast(bits, to: Lanes.self)
    }
}
