/// Stochastic gradient descent with optional momentum and L2 weight decay, PyTorch's rule:
/// g = gradient + weightDecay·value; v = momentum·v + g (v starts at g); value −= learningRate·v.
final class SGD {
    let learningRate: Float
    let momentum: Float
    let weightDecay: Float
    /// One velocity per parameter, allocated at the first step when momentum is used.
    private var velocities: [[Float]] = []

    init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    /// Applies one step to every parameter using its current gradient (the same parameters, in
    /// the same order, at every call).
    func step(_ parameters: [Parameter]) {
        let first = velocities.isEmpty && momentum != 0
        if first { velocities = parameters.map { [Float](repeating: 0, count: $0.value.count) } }
        for (index, parameter) in parameters.enumerated() {
            parameter.gradient.values.withUnsafeMutableBufferPointer { g in
                parameter.value.values.withUnsafeMutableBufferPointer { w in
                    if weightDecay != 0 {
                        LinearAlgebra.axpy(count: w.count, alpha: weightDecay, x: w.baseAddress!, y: g.baseAddress!)
                    }
                    guard momentum != 0 else {
                        LinearAlgebra.axpy(count: w.count, alpha: -learningRate, x: g.baseAddress!, y: w.baseAddress!)
                        return
                    }
                    velocities[index].withUnsafeMutableBufferPointer { v in
                        if first {
                            v.baseAddress!.update(from: g.baseAddress!, count: g.count)
                        } else {
                            for i in 0..<v.count { v[i] = momentum * v[i] + g[i] }
                        }
                        LinearAlgebra.axpy(count: w.count, alpha: -learningRate, x: v.baseAddress!, y: w.baseAddress!)
                    }
                }
            }
        }
    }
}
