/// The matrix work shared by `RNN` and `LSTM`. Both keep, per batch, pre-activations `z` of
/// shape [batch, steps, width] (width = hidden for the RNN, 4·hidden for the LSTM's gates) and
/// hidden states `h` of shape [batch, steps, hidden]; step t of every sample is a strided row set.
enum Recurrence {
    /// z = x · inputWeight + bias over all steps of all samples at once.
    static func project(_ x: Tensor, inputWeight: Parameter, bias: Parameter, into z: inout Tensor,
                        rows: Int, inputs: Int, width: Int) {
        x.values.withUnsafeBufferPointer { x in
            inputWeight.value.values.withUnsafeBufferPointer { w in
                bias.value.values.withUnsafeBufferPointer { b in
                    z.values.withUnsafeMutableBufferPointer { z in
                        for row in 0..<rows { (z.baseAddress! + row * width).update(from: b.baseAddress!, count: width) }
                        LinearAlgebra.gemm(m: rows, n: width, k: inputs, a: x.baseAddress!, lda: inputs,
                                           b: w.baseAddress!, ldb: width, beta: 1, c: z.baseAddress!, ldc: width)
                    }
                }
            }
        }
    }

    /// z[:, step] += h[:, step − 1] · recurrentWeight, for every sample of the batch.
    static func addRecurrent(step: Int, h: UnsafePointer<Float>, recurrentWeight: UnsafePointer<Float>,
                             z: UnsafeMutablePointer<Float>, batch: Int, steps: Int, hidden: Int, width: Int) {
        LinearAlgebra.gemm(m: batch, n: width, k: hidden, a: h + (step - 1) * hidden, lda: steps * hidden,
                           b: recurrentWeight, ldb: width, beta: 1, c: z + step * width, ldc: steps * width)
    }

    /// dh[:, step − 1] += dz[:, step] · recurrentWeightᵀ, for every sample of the batch.
    static func backRecurrent(step: Int, dz: UnsafePointer<Float>, recurrentWeight: UnsafePointer<Float>,
                              dh: UnsafeMutablePointer<Float>, batch: Int, steps: Int, hidden: Int, width: Int) {
        LinearAlgebra.gemm(transposeB: true, m: batch, n: hidden, k: width, a: dz + step * width,
                           lda: steps * width, b: recurrentWeight, ldb: width,
                           beta: 1, c: dh + (step - 1) * hidden, ldc: steps * hidden)
    }

    /// Parameter gradients from dz (and dx when asked): dInputWeight = xᵀ·dz, dBias = Σ dz,
    /// dRecurrentWeight = Σ h[:, t−1]ᵀ·dz[:, t], dx = dz · inputWeightᵀ.
    static func gradients(x: Tensor, h: Tensor, dz: Tensor, inputWeight: Parameter, recurrentWeight: Parameter,
                          bias: Parameter, dx: inout Tensor, computeInputGradient: Bool,
                          batch: Int, steps: Int, inputs: Int, hidden: Int, width: Int) {
        let rows = batch * steps
        dz.values.withUnsafeBufferPointer { dzBuffer in
            let dz = dzBuffer.baseAddress!
            x.values.withUnsafeBufferPointer { x in
                inputWeight.gradient.values.withUnsafeMutableBufferPointer { dw in
                    LinearAlgebra.gemm(transposeA: true, m: inputs, n: width, k: rows, a: x.baseAddress!, lda: inputs,
                                       b: dz, ldb: width, c: dw.baseAddress!, ldc: width)
                }
            }
            h.values.withUnsafeBufferPointer { h in
                recurrentWeight.gradient.values.withUnsafeMutableBufferPointer { dw in
                    dw.update(repeating: 0)
                    guard steps > 1 else { return }
                    for sample in 0..<batch {
                        LinearAlgebra.gemm(transposeA: true, m: hidden, n: width, k: steps - 1,
                                           a: h.baseAddress! + sample * steps * hidden, lda: hidden,
                                           b: dz + (sample * steps + 1) * width, ldb: width,
                                           beta: 1, c: dw.baseAddress!, ldc: width)
                    }
                }
            }
            bias.gradient.values.withUnsafeMutableBufferPointer { db in
                db.update(repeating: 0)
                for row in 0..<rows {
                    let source = dz + row * width
                    for j in 0..<width { db[j] += source[j] }
                }
            }
            guard computeInputGradient else { return }
            dx.resize(to: x.shape)
            inputWeight.value.values.withUnsafeBufferPointer { w in
                dx.values.withUnsafeMutableBufferPointer { dx in
                    LinearAlgebra.gemm(transposeB: true, m: rows, n: inputs, k: width, a: dz, lda: width,
                                       b: w.baseAddress!, ldb: width, c: dx.baseAddress!, ldc: inputs)
                }
            }
        }
    }
}
