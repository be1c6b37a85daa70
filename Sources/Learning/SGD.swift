/// Stochastic gradient descent with optional momentum and L2 weight decay, PyTorch's rule:
/// g = gradient + weightDecay·value; v = momentum·v + g (v starts at 0, so the first step's v is g);
/// value −= learningRate·v. A step may be shared by threads, each updating its part of every parameter.
final class SGD {
    let learningRate: Float
    let momentum: Float
    let weightDecay: Float
    /// The velocities of all parameters back to back (empty without momentum).
    private let velocities: UnsafeMutableBufferPointer<Float>
    /// Where each parameter's velocity starts in `velocities`.
    private let offsets: [Int]

    /// An optimizer for parameters of `counts` elements each (in the order every step passes them).
    init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, counts: [Int]) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        offsets = counts.reduce(into: [0]) { $0.append($0.last! + $1) }
        velocities = .allocate(capacity: momentum == 0 ? 0 : offsets.last!)
        velocities.initialize(repeating: 0)
    }

    deinit { velocities.deallocate() }

    /// Applies one step to `parameters` using their current gradients.
    func step(_ parameters: [Parameter]) {
        parameters.withStorage { step($0, part: 0, of: 1) }
    }

    /// Applies part `part` of `parts` of one step: every parameter's elements in
    /// `ParameterStorage.range(part:of:count:)`. Parts may run concurrently.
    func step(_ storage: ParameterStorage, part: Int, of parts: Int) {
        for (index, (w, g)) in zip(storage.values, storage.gradients).enumerated() {
            let range = ParameterStorage.range(part: part, of: parts, count: w.count)
            guard !range.isEmpty else { continue }
            let (w, g) = (w.baseAddress! + range.lowerBound, g.baseAddress! + range.lowerBound)
            if weightDecay != 0 {
                LinearAlgebra.axpy(count: range.count, alpha: weightDecay, x: w, y: g)
            }
            guard momentum != 0 else {
                LinearAlgebra.axpy(count: range.count, alpha: -learningRate, x: g, y: w)
                continue
            }
            let v = velocities.baseAddress! + offsets[index] + range.lowerBound
            for i in 0..<range.count { v[i] = momentum * v[i] + g[i] }
            LinearAlgebra.axpy(count: range.count, alpha: -learningRate, x: v, y: w)
        }
    }
}
