/// FedProx's proximal term (μ/2)·‖w − anchor‖², which keeps local training near the
/// weights it started from.
struct ProximalTerm {
    var mu: Float
    /// The weights training started from, in parameter order.
    var anchor: [Tensor]

    /// Adds the term's gradient μ·(w − anchor) to each parameter's gradient.
    func addGradient(to parameters: [Parameter]) {
        for (parameter, anchor) in zip(parameters, anchor) {
            parameter.value.values.withUnsafeBufferPointer { w in
                anchor.values.withUnsafeBufferPointer { start in
                    parameter.gradient.values.withUnsafeMutableBufferPointer { g in
                        for index in g.indices { g[index] += mu * (w[index] - start[index]) }
                    }
                }
            }
        }
    }
}
