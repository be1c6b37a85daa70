/// Plain stochastic gradient descent: value −= learningRate · gradient.
struct SGD {
    var learningRate: Float

    /// Applies one step to every parameter using its current gradient.
    func step(_ parameters: [Parameter]) {
        for parameter in parameters {
            parameter.gradient.values.withUnsafeBufferPointer { g in
                parameter.value.values.withUnsafeMutableBufferPointer { w in
                    LinearAlgebra.axpy(count: w.count, alpha: -learningRate, x: g.baseAddress!,
                                       y: w.baseAddress!)
                }
            }
        }
    }
}
