@testable import Learning
import Testing

extension LearningTests {
    @Suite struct GEMMTests {
        /// Both kernels against a Float64 reference, for every transpose combination,
        /// padded leading dimensions, beta 0 and non-zero, k beyond one packing block, and slim
        /// products that OpenBLAS gets in blocks of rows, columns or depth (with a shorter last block).
        @Test(arguments: [(1, 1, 1), (7, 13, 5), (10, 200, 784), (33, 17, 300), (4, 16, 9), (5, 35, 257),
                          (16, 300, 400), (4, 700, 120), (3, 150, 6_000), (900, 100, 9), (30, 200, 300)])
        func kernelsAgreeWithReference(m: Int, n: Int, k: Int) {
            var generator = SeededGenerator(seed: UInt64(m * 1_000_000 + n * 1000 + k))
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    for (alpha, beta) in [(Float(1), Float(0)), (0.7, 0.3)] {
                        let (aRows, aColumns) = transposeA ? (k, m) : (m, k)
                        let (bRows, bColumns) = transposeB ? (n, k) : (k, n)
                        let lda = aColumns + 3, ldb = bColumns + 1, ldc = n + 2
                        let a = (0..<(aRows * lda)).map { _ in Float.random(in: -1...1, using: &generator) }
                        let b = (0..<(bRows * ldb)).map { _ in Float.random(in: -1...1, using: &generator) }
                        let c = (0..<(m * ldc)).map { _ in Float.random(in: -1...1, using: &generator) }

                        var reference = [Double](repeating: 0, count: m * n)
                        var scale = 1.0
                        for i in 0..<m {
                            for j in 0..<n {
                                var sum = 0.0
                                for p in 0..<k {
                                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                                    sum += Double(x) * Double(y)
                                }
                                reference[i * n + j] = Double(alpha) * sum + Double(beta) * Double(c[i * ldc + j])
                                scale = max(scale, abs(reference[i * n + j]))
                            }
                        }
                        for kernel in LinearAlgebra.Kernel.allCases {
                            var result = c
                            a.withUnsafeBufferPointer { a in
                                b.withUnsafeBufferPointer { b in
                                    result.withUnsafeMutableBufferPointer { out in
                                        LinearAlgebra.gemm(
                                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                            alpha: alpha, a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
                                            beta: beta, c: out.baseAddress!, ldc: ldc, kernel: kernel)
                                    }
                                }
                            }
                            var worst = 0.0
                            for i in 0..<m {
                                for j in 0..<n {
                                    worst = max(worst, abs(Double(result[i * ldc + j]) - reference[i * n + j]))
                                }
                                // Padding columns of C stay untouched.
                                for j in n..<ldc { #expect(result[i * ldc + j] == c[i * ldc + j]) }
                            }
                            #expect(worst <= 1e-5 * scale,
                                    "\(kernel) tA=\(transposeA) tB=\(transposeB) α=\(alpha) β=\(beta): error \(worst)")
                        }
                    }
                }
            }
        }

        /// Products with few rows are cut along the columns when B is transposed (up to 16 rows),
        /// else along k (up to 32 rows); a
        /// weight gradient over a short k along the rows; into blocks of at most 2¹⁸ multiply-adds
        /// and, along k or the rows, at least 16 long. Others run whole.
        @Test func slimProductsAreSplit() {
            func split(_ m: Int, _ n: Int, _ k: Int, transposeA: Bool = false, transposeB: Bool = false,
                       beta: Float = 0) -> String {
                SlimProductSplit(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, beta: beta)
                    .map { "\($0.axis) \($0.length) by \($0.block)" } ?? "whole"
            }
            #expect(split(5, 512, 3_136) == "depth 3136 by 102")
            #expect(split(5, 3_136, 512, transposeB: true) == "columns 3136 by 102")
            #expect(split(3_136, 512, 5, transposeA: true) == "rows 3136 by 102")
            #expect(split(16, 1_024, 4_096, transposeA: true, beta: 1) == "depth 4096 by 16")
            #expect(split(25, 512, 3_136) == "depth 3136 by 20")
            #expect(split(25, 3_136, 512, transposeB: true) == "whole", "columns only up to 16 rows")
            #expect(split(33, 512, 3_136) == "whole", "not few rows")
            #expect(split(1, 1 << 19, 1 << 19, transposeB: true) == "columns 524288 by 1")
            #expect(split(16, 4_096, 1_024) == "whole", "depth blocks of 4 would rewrite C 256 times")
            #expect(split(1_024, 4_096, 16, transposeA: true) == "whole", "row blocks of 4")
            #expect(split(3_136, 512, 5, transposeA: true, beta: 1) == "whole", "beta 1")
            #expect(split(3_136, 512, 5) == "whole", "A not transposed")
            #expect(split(17, 4_096, 4_096, transposeB: true) == "whole", "not slim")
            #expect(split(5, 200, 200) == "whole", "small enough to run whole")
        }

        @Test func axpyKernelsAgree() {
            var generator = SeededGenerator(seed: 5)
            let x = (0..<1001).map { _ in Float.random(in: -1...1, using: &generator) }
            let y = (0..<1001).map { _ in Float.random(in: -1...1, using: &generator) }
            let results = LinearAlgebra.Kernel.allCases.map { kernel in
                var out = y
                x.withUnsafeBufferPointer { x in
                    out.withUnsafeMutableBufferPointer { out in
                        LinearAlgebra.axpy(count: 1001, alpha: -0.25, x: x.baseAddress!, y: out.baseAddress!,
                                           kernel: kernel)
                    }
                }
                return out
            }
            for result in results {
                for i in 0..<1001 { #expect(abs(result[i] - (y[i] - 0.25 * x[i])) <= 1e-6) }
            }
        }

        @Test func openBLASIsLoadedWithAForcedCoreType() {
            #expect(OpenBLAS.shared != nil)
            #expect(MatrixBackend.description.hasPrefix("OpenBLAS"), "\(MatrixBackend.description)")
            // The kernels in use pass the self-check.
            #expect(GEMMSelfCheck.run(OpenBLAS.shared!) == nil)
            let avx512: Set<Substring> = ["sse2", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
            #expect(OpenBLAS.coreType(cpuFlags: avx512) == "SkylakeX")
            #expect(OpenBLAS.coreType(cpuFlags: avx512.subtracting(["avx512vl"])) == "Haswell")
            #expect(OpenBLAS.coreType(cpuFlags: ["sse2", "avx2", "fma"]) == "Haswell")
            #expect(OpenBLAS.coreType(cpuFlags: ["sse2", "avx2"]) == nil)
            #expect(OpenBLAS.coreType(cpuFlags: ["sse2"]) == nil)
        }
    }
}
