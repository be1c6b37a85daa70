/// Checks an sgemm/saxpy implementation against a Float64 reference before it is trusted:
/// every transpose combination, alpha/beta variants, odd and tiny sizes, strided operands and
/// shapes like the models' (small batch × wide layers).
enum GEMMSelfCheck {
    /// (transposeA, transposeB, m, n, k, alpha, beta, extra row stride).
    private static let cases: [(Bool, Bool, Int, Int, Int, Float, Float, Int)] = {
        var cases: [(Bool, Bool, Int, Int, Int, Float, Float, Int)] = []
        let sizes = [(1, 1, 1), (3, 5, 7), (17, 33, 9), (16, 16, 16), (31, 64, 25), (64, 65, 63), (5, 96, 160), (50, 32, 200)]
        for (index, (m, n, k)) in sizes.enumerated() {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let alpha: Float = index % 2 == 0 ? 1 : -0.5
                    let beta: Float = [0, 1, 0.5][(index + (transposeA ? 1 : 0)) % 3]
                    cases.append((transposeA, transposeB, m, n, k, alpha, beta, index % 3 == 2 ? 3 : 0))
                }
            }
        }
        return cases
    }()

    /// A description of the first wrong result, or nil when every case is right.
    static func run(_ blas: OpenBLAS) -> String? {
        var generator = SeededGenerator(seed: 0x5EED)
        for (transposeA, transposeB, m, n, k, alpha, beta, pad) in cases {
            let (aRows, aColumns) = transposeA ? (k, m) : (m, k)
            let (bRows, bColumns) = transposeB ? (n, k) : (k, n)
            let (lda, ldb, ldc) = (aColumns + pad, bColumns + pad, n + pad)
            let a = (0..<(aRows * lda)).map { _ in Float.random(in: -1...1, using: &generator) }
            let b = (0..<(bRows * ldb)).map { _ in Float.random(in: -1...1, using: &generator) }
            var c = (0..<(m * ldc)).map { _ in Float.random(in: -1...1, using: &generator) }
            var expected = [Double](repeating: 0, count: m * n)
            var scale = [Double](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0, magnitude = 0.0
                    for p in 0..<k {
                        let x = Double(transposeA ? a[p * lda + i] : a[i * lda + p])
                        let y = Double(transposeB ? b[j * ldb + p] : b[p * ldb + j])
                        sum += x * y
                        magnitude += abs(x * y)
                    }
                    expected[i * n + j] = Double(alpha) * sum + Double(beta) * Double(c[i * ldc + j])
                    scale[i * n + j] = abs(Double(alpha)) * magnitude + abs(Double(beta) * Double(c[i * ldc + j])) + 1e-6
                }
            }
            blas.sgemm(OpenBLAS.rowMajor, transposeA ? OpenBLAS.transpose : OpenBLAS.noTranspose,
                       transposeB ? OpenBLAS.transpose : OpenBLAS.noTranspose, Int32(m), Int32(n), Int32(k),
                       alpha, a, Int32(lda), b, Int32(ldb), beta, &c, Int32(ldc))
            for i in 0..<m {
                for j in 0..<n {
                    let error = abs(Double(c[i * ldc + j]) - expected[i * n + j]) / scale[i * n + j]
                    guard error < 1e-5 else {
                        return "sgemm \(transposeA ? "T" : "N")\(transposeB ? "T" : "N") \(m)×\(n)×\(k) wrong at (\(i), \(j))"
                    }
                }
            }
        }
        var y: [Float] = (0..<37).map(Float.init)
        let x: [Float] = (0..<37).map { Float($0) * 0.5 }
        blas.saxpy(37, 2, x, 1, &y, 1)
        guard y == (0..<37).map({ Float($0) * 2 }) else { return "saxpy wrong" }
        return nil
    }
}
