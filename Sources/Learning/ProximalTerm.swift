/// FedProx's proximal term (μ/2)·‖w − anchor‖², which keeps local training near the
/// weights it started from.
struct ProximalTerm {
    var mu: Float
    /// The weights training started from, in parameter order.
    var anchor: [Tensor]

    /// Adds the term's gradient μ·(w − anchor) to each parameter's gradient.
    func addGradient(to parameters: [Parameter]) {
        parameters.withStorage { addGradient(to: $0, part: 0, of: 1) }
    }

    /// Adds the term's gradient to part `part` of `parts` of every parameter's elements (see
    /// `ParameterStorage.range(part:of:count:)`). Parts may run concurrently.
    func addGradient(to storage: ParameterStorage, part: Int, of parts: Int) {
        for (index, (w, g)) in zip(storage.values, storage.gradients).enumerated() {
            anchor[index].values.withUnsafeBufferPointer { start in
                for i in ParameterStorage.range(part: part, of: parts, count: w.count) {
                    g[i] += mu * (w[i] - start[i])
                }
            }
        }
    }
}
