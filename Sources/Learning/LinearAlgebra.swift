/// The matrix kernels the layers use: OpenBLAS when it loads, portable Swift otherwise.
enum LinearAlgebra {
    /// Which implementation runs a kernel.
    enum Kernel: Sendable, CaseIterable {
        case openBLAS, portable
    }

    /// OpenBLAS if it could be loaded, else the portable Swift kernels.
    static var preferred: Kernel { OpenBLAS.shared == nil ? .portable : .openBLAS }

    /// C = alpha·op(A)·op(B) + beta·C for row-major matrices; op(X) is X or Xᵀ.
    /// op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are the row strides as stored.
    static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, kernel: Kernel = preferred
    ) {
        if kernel == .openBLAS, let blas = OpenBLAS.shared {
            blas.sgemm(OpenBLAS.rowMajor,
                       transposeA ? OpenBLAS.transpose : OpenBLAS.noTranspose,
                       transposeB ? OpenBLAS.transpose : OpenBLAS.noTranspose,
                       Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                       beta, c, Int32(ldc))
        } else {
            PortableGEMM.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                                  beta: beta, c: c, ldc: ldc)
        }
    }

    /// C = A·op(B) + beta·C for a product with few rows (a recurrent step: the batch times a weight
    /// matrix that stays in cache), computed in column blocks of C with m·n·k ≤ 2¹⁸ each. OpenBLAS
    /// 0.3.21 runs such small products with kernels that read B in place; a larger one packs all
    /// of B first, which for 5 rows × 1024 columns × 256 took 5–15× as long as the blocks here.
    /// Other kernels get the same result from the blocks.
    static func gemmFewRows(
        transposeB: Bool = false, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let blockWidth = max(16, (1 << 18) / max(m * k, 1) / 16 * 16)
        var column = 0
        while column < n {
            let width = min(blockWidth, n - column)
            gemm(transposeB: transposeB, m: m, n: width, k: k, a: a, lda: lda,
                 b: transposeB ? b + column * ldb : b + column, ldb: ldb, beta: beta, c: c + column, ldc: ldc)
            column += width
        }
    }

    /// y += alpha·x over `count` contiguous elements.
    static func axpy(count: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                     kernel: Kernel = preferred) {
        if kernel == .openBLAS, let blas = OpenBLAS.shared {
            blas.saxpy(Int32(count), alpha, x, 1, y, 1)
        } else {
            for i in 0..<count { y[i] += alpha * x[i] }
        }
    }
}

/// Which matrix-multiply implementation this process uses.
public enum MatrixBackend {
    /// "OpenBLAS (<core>, self-checked)" when OpenBLAS is used (naming an `OPENBLAS_CORETYPE` it
    /// replaced), else "portable Swift (<why OpenBLAS is not used>)".
    public static var description: String {
        switch OpenBLAS.outcome {
        case let .loaded(blas):
            "OpenBLAS (\(blas.coreName), self-checked" + (blas.replacedCoreType.map { "; replaced OPENBLAS_CORETYPE=\($0)" } ?? "") + ")"
        case let .unavailable(reason):
            "portable Swift (\(reason))"
        }
    }
}
