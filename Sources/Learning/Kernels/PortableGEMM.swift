/// Single-precision GEMM in portable Swift: the fallback when OpenBLAS cannot be loaded.
///
/// Computes C = alpha·op(A)·op(B) + beta·C for row-major operands, in blocks of `kBlock`
/// along k. op(B) is taken in panels 16 columns wide (packed and zero-padded unless it can be
/// read in place); a 4×16 register tile of SIMD8 accumulators sweeps each panel.
enum PortableGEMM {
    private static let panelWidth = 16
    private static let kBlock = 256

    static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 {
                row.update(repeating: 0, count: n)
            } else if beta != 1 {
                for j in 0..<n { row[j] *= beta }
            }
        }
        guard k > 0, alpha != 0 else { return }

        let panels = (n + panelWidth - 1) / panelWidth
        let packedA = UnsafeMutablePointer<Float>.allocate(capacity: m * kBlock)
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: kBlock * panelWidth)
        defer {
            packedA.deallocate()
            packedB.deallocate()
        }

        var k0 = 0
        while k0 < k {
            let kc = min(kBlock, k - k0)
            // A is used in place when it is row-major and unscaled, else packed m×kc with alpha applied.
            let aInPlace = !transposeA && alpha == 1
            if !aInPlace {
                for i in 0..<m {
                    for p in 0..<kc {
                        let value = transposeA ? a[(k0 + p) * lda + i] : a[i * lda + k0 + p]
                        packedA[i * kc + p] = alpha * value
                    }
                }
            }
            let blockA = aInPlace ? a + k0 : UnsafePointer(packedA)
            let aStride = aInPlace ? lda : kc
            for panel in 0..<panels {
                let columns = min(panelWidth, n - panel * panelWidth)
                // Full panels of a row-major B are read in place; others are packed, zero-padded.
                let panelB: UnsafePointer<Float>, bStride: Int
                if !transposeB && columns == panelWidth {
                    panelB = b + k0 * ldb + panel * panelWidth
                    bStride = ldb
                } else {
                    for p in 0..<kc {
                        for jj in 0..<panelWidth {
                            let j = panel * panelWidth + jj
                            packedB[p * panelWidth + jj] = j < n
                                ? (transposeB ? b[j * ldb + k0 + p] : b[(k0 + p) * ldb + j]) : 0
                        }
                    }
                    panelB = UnsafePointer(packedB)
                    bStride = panelWidth
                }
                let cPanel = c + panel * panelWidth
                var i = 0
                while i + 4 <= m {
                    tile4(blockA + i * aStride, aStride: aStride, kc: kc, panelB, bStride: bStride,
                          cPanel + i * ldc, ldc: ldc, columns: columns)
                    i += 4
                }
                while i < m {
                    tile1(blockA + i * aStride, kc: kc, panelB, bStride: bStride, cPanel + i * ldc,
                          columns: columns)
                    i += 1
                }
            }
            k0 += kc
        }
    }

    /// Adds four rows of A (kc wide, rows `aStride` apart) times one B panel (rows `bStride`
    /// apart) into a 4×16 tile of C.
    @inline(__always)
    private static func tile4(
        _ a: UnsafePointer<Float>, aStride: Int, kc: Int, _ b: UnsafePointer<Float>, bStride: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int
    ) {
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
        var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
        var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        for p in 0..<kc {
            let row = UnsafeRawPointer(b + p * bStride)
            let b0 = row.loadUnaligned(as: SIMD8<Float>.self)
            let b1 = row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            let a0 = SIMD8(repeating: a[p]), a1 = SIMD8(repeating: a[aStride + p])
            let a2 = SIMD8(repeating: a[2 * aStride + p]), a3 = SIMD8(repeating: a[3 * aStride + p])
            c00 += a0 * b0; c01 += a0 * b1
            c10 += a1 * b0; c11 += a1 * b1
            c20 += a2 * b0; c21 += a2 * b1
            c30 += a3 * b0; c31 += a3 * b1
        }
        store(c00, c01, into: c, columns: columns)
        store(c10, c11, into: c + ldc, columns: columns)
        store(c20, c21, into: c + 2 * ldc, columns: columns)
        store(c30, c31, into: c + 3 * ldc, columns: columns)
    }

    /// Adds one row of A (kc wide) times one B panel (rows `bStride` apart) into a 1×16 tile of C.
    @inline(__always)
    private static func tile1(
        _ a: UnsafePointer<Float>, kc: Int, _ b: UnsafePointer<Float>, bStride: Int,
        _ c: UnsafeMutablePointer<Float>, columns: Int
    ) {
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>()
        for p in 0..<kc {
            let row = UnsafeRawPointer(b + p * bStride)
            let a0 = SIMD8(repeating: a[p])
            c0 += a0 * row.loadUnaligned(as: SIMD8<Float>.self)
            c1 += a0 * row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
        }
        store(c0, c1, into: c, columns: columns)
    }

    /// Adds the first `columns` lanes of (low, high) to `c`.
    @inline(__always)
    private static func store(
        _ low: SIMD8<Float>, _ high: SIMD8<Float>, into c: UnsafeMutablePointer<Float>, columns: Int
    ) {
        if columns == panelWidth {
            let raw = UnsafeMutableRawPointer(c)
            raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + low, as: SIMD8<Float>.self)
            let upper = raw + 32
            upper.storeBytes(of: upper.loadUnaligned(as: SIMD8<Float>.self) + high, as: SIMD8<Float>.self)
        } else {
            for j in 0..<columns { c[j] += j < 8 ? low[j] : high[j - 8] }
        }
    }
}
