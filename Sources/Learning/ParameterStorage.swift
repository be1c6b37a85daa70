/// Pointers to the values and gradients of a model's parameters, for work that several threads
/// share by element ranges (`part` of `parts`): valid only inside `withStorage`.
struct ParameterStorage {
    let values: [UnsafeMutableBufferPointer<Float>]
    let gradients: [UnsafeMutableBufferPointer<Float>]

    /// The elements of a tensor of `count` elements that part `part` of `parts` covers: the
    /// parts are contiguous, disjoint, differ in length by at most one, and cover every element.
    static func range(part: Int, of parts: Int, count: Int) -> Range<Int> {
        (count * part / parts)..<(count * (part + 1) / parts)
    }
}

extension Array where Element == Parameter {
    /// Runs `body` with pointers to every parameter's value and gradient storage, taken on this
    /// thread (an array's `withUnsafeMutableBufferPointer` must not run on two threads at once).
    func withStorage<Result>(_ body: (ParameterStorage) throws -> Result) rethrows -> Result {
        try withBuffers(\.value) { values in
            try withBuffers(\.gradient) { gradients in try body(ParameterStorage(values: values, gradients: gradients)) }
        }
    }

    /// Runs `body` with a pointer to the storage of one tensor of each parameter.
    func withBuffers<Result>(_ tensor: ReferenceWritableKeyPath<Parameter, Tensor>, from index: Int = 0,
                             collected: [UnsafeMutableBufferPointer<Float>] = [],
                             _ body: ([UnsafeMutableBufferPointer<Float>]) throws -> Result) rethrows -> Result {
        guard index < count else { return try body(collected) }
        return try self[index][keyPath: tensor].values.withUnsafeMutableBufferPointer { buffer in
            try withBuffers(tensor, from: index + 1, collected: collected + [buffer], body)
        }
    }
}
