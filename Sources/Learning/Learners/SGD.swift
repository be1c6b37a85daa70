/// Stochastic gradient descent with optional momentum and L2 weight decay, PyTorch's rule:
/// g = gradient + weightDecay·value; v = momentum·v + g (v starts at 0, so the first step's v is g);
/// value −= learningRate·v. A step may be shared by threads, each updating its own elements.
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
        parameters.forEachStorage { step($0, value: $1, gradient: $2, elements: 0..<$3) }
    }

    /// Applies one step to `elements` of parameter `index` (value and gradient storage given).
    /// Disjoint element ranges may be stepped concurrently.
    func step(_ index: Int, value: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>,
              elements: Range<Int>) {
        guard !elements.isEmpty else { return }
        let (w, g) = (value + elements.lowerBound, gradient + elements.lowerBound)
        if weightDecay != 0 {
            LinearAlgebra.axpy(count: elements.count, alpha: weightDecay, x: w, y: g)
        }
        guard momentum != 0 else {
            LinearAlgebra.axpy(count: elements.count, alpha: -learningRate, x: g, y: w)
            return
        }
        let v = velocities.baseAddress! + offsets[index] + elements.lowerBound
        for i in 0..<elements.count { v[i] = momentum * v[i] + g[i] }
        LinearAlgebra.axpy(count: elements.count, alpha: -learningRate, x: v, y: w)
    }
}
