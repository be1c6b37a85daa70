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
        guard kernel == .openBLAS, let blas = OpenBLAS.shared else {
            PortableGEMM.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                                  beta: beta, c: c, ldc: ldc)
            return
        }
        let call = { (m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, beta: Float,
                      c: UnsafeMutablePointer<Float>) in
            blas.sgemm(OpenBLAS.rowMajor,
                       transposeA ? OpenBLAS.transpose : OpenBLAS.noTranspose,
                       transposeB ? OpenBLAS.transpose : OpenBLAS.noTranspose,
                       Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
        guard let split = SlimProductSplit(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, beta: beta)
        else {
            call(m, n, k, a, b, beta, c)
            return
        }
        var start = 0
        while start < split.length {
            let width = min(split.block, split.length - start)
            switch split.axis {
            case .rows:
                call(width, n, k, transposeA ? a + start : a + start * lda, b, beta, c + start * ldc)
            case .columns:
                call(m, width, k, a, transposeB ? b + start * ldb : b + start, beta, c + start)
            case .depth:
                call(m, n, width, transposeA ? a + start * lda : a + start, transposeB ? b + start : b + start * ldb,
                     start == 0 ? beta : 1, c)
            }
            start += width
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

/// How `LinearAlgebra.gemm` cuts a slim product of more than 2¹⁸ multiply-adds for OpenBLAS, into
/// blocks of at most 2¹⁸ multiply-adds each. OpenBLAS 0.3.21 runs products that small with kernels
/// that read the operands in place; a larger one first packs its operands, which for a slim product
/// costs more than the arithmetic. Two kinds are cut, chosen by measurement on this machine (one
/// thread) over shapes of 5–32 against 64–4096:
/// - few rows (a small batch times a weight matrix): with B transposed and at most 16 rows, along
///   the columns of C (1.2–5.9× faster but for one case at 0.92×; with more rows this lost as often
///   as it won); with B as stored and at most 32 rows, along the summed dimension k (1.2–3.1×
///   faster; 0.96× at worst). The CNN's dense layer at batch 5 took 158/123 µs instead of
///   527/460 µs (forward, input gradient), at batch 25 486 instead of 633 µs (forward);
/// - a short k (at most 16) with A transposed, B not and beta 0 (a weight gradient xᵀ·dy over a
///   small batch), along the rows of C: 1.2–2.7× faster; the CNN's dense weight gradient at batch 5
///   took 109 instead of 193 µs. With beta 1, other transposes or a longer k, this lost as often as it won.
/// Blocks along k or the rows are at least 16 long (thinner ones rewrite C, or reread B, too often).
struct SlimProductSplit: Equatable {
    enum Axis { case rows, columns, depth }
    /// The dimension that is cut: m (rows of C), n (columns of C) or k (the summed one).
    let axis: Axis
    /// That dimension's length.
    let length: Int
    /// The block length along it (the last block may be shorter).
    let block: Int

    static let slimDimension = 16
    static let fewRowsForDepthBlocks = 32
    static let blockProducts = 1 << 18
    static let shortestBlock = 16

    /// The split for op(A)·op(B) + beta·C with op(A) m×k and op(B) k×n, or nil to run it whole.
    init?(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, beta: Float) {
        guard m * n * k > Self.blockProducts else { return nil }
        if m <= Self.slimDimension, transposeB {
            (axis, length, block) = (.columns, n, max(1, Self.blockProducts / (m * k)))
        } else if m <= Self.fewRowsForDepthBlocks, !transposeB, Self.blockProducts / (m * n) >= Self.shortestBlock {
            (axis, length, block) = (.depth, k, Self.blockProducts / (m * n))
        } else if k <= Self.slimDimension, transposeA, !transposeB, beta == 0,
                  Self.blockProducts / (n * k) >= Self.shortestBlock {
            (axis, length, block) = (.rows, m, Self.blockProducts / (n * k))
        } else {
            return nil
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
