/// FedProx's proximal term (μ/2)·‖w − anchor‖², which keeps local training near the
/// weights it started from.
struct ProximalTerm {
    var mu: Float
    /// The weights training started from, in parameter order.
    var anchor: [Tensor]

    /// Adds the term's gradient μ·(w − anchor) to each parameter's gradient.
    func addGradient(to parameters: [Parameter]) {
        parameters.forEachStorage { addGradient($0, value: $1, gradient: $2, elements: 0..<$3) }
    }

    /// Adds the term's gradient to `elements` of parameter `index` (value and gradient storage
    /// given). Disjoint element ranges may be done concurrently.
    func addGradient(_ index: Int, value: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>,
                     elements: Range<Int>) {
        anchor[index].values.withUnsafeBufferPointer { start in
            for i in elements { gradient[i] += mu * (value[i] - start[i]) }
        }
    }
}
