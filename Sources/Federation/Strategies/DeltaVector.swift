import Learning

/// Flat views of per-tensor weights and deltas, for the coordinate-wise arithmetic
/// every strategy shares.
enum DeltaVector {
    /// All elements of `tensors`, in order.
    static func flatten(_ tensors: [Tensor]) -> [Float] {
        var flat: [Float] = []
        flat.reserveCapacity(tensors.reduce(0) { $0 + $1.count })
        for tensor in tensors { flat.append(contentsOf: tensor.values) }
        return flat
    }

    /// `flat` cut back into tensors shaped like `template`.
    static func unflatten(_ flat: [Float], like template: [Tensor]) -> [Tensor] {
        var start = 0
        return template.map { tensor in
            defer { start += tensor.count }
            return Tensor(shape: tensor.shape, values: Array(flat[start..<(start + tensor.count)]))
        }
    }

    /// `global + step`, tensor by tensor.
    static func apply(_ step: [Float], to global: [Tensor]) -> [Tensor] {
        unflatten(zip(flatten(global), step).map { $0 + $1 }, like: global)
    }

    /// Σ wₖ·deltaₖ / Σ wₖ over the updates' flattened deltas, weights by sample count. Each
    /// delta is flattened only while it is added, so that the sum never needs a second copy of
    /// every update.
    static func weightedMean(_ updates: [ClientUpdate]) -> [Float] {
        mean(updates.lazy.map { flatten($0.delta) }, weights: updates.map { Double($0.samples) })
    }

    /// The weighted mean of equally long vectors (plain mean when `weights` is nil);
    /// all zeros when the weights sum to zero.
    static func mean(_ vectors: some Collection<[Float]>, weights: [Double]? = nil) -> [Float] {
        let weights = weights ?? Array(repeating: 1, count: vectors.count)
        let length = vectors.first?.count ?? 0
        var sum = [Float](repeating: 0, count: length)
        let total = weights.reduce(0, +)
        guard total > 0 else { return sum }
        sum.withUnsafeMutableBufferPointer { sum in
            for (vector, weight) in zip(vectors, weights) {
                precondition(vector.count == length, "DeltaVector.mean: vectors of different lengths")
                let scale = Float(weight / total)
                vector.withUnsafeBufferPointer { vector in
                    for index in 0..<length { sum[index] += scale * vector[index] }
                }
            }
        }
        return sum
    }

    /// The element-wise sum of equally long vectors.
    static func sum(_ vectors: [[Float]]) -> [Float] {
        var sum = [Float](repeating: 0, count: vectors.first?.count ?? 0)
        for vector in vectors {
            for index in sum.indices { sum[index] += vector[index] }
        }
        return sum
    }

    /// Euclidean norm.
    static func norm(_ vector: [Float]) -> Float {
        vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
    }

    /// Squared Euclidean distance between equally long vectors.
    static func squaredDistance(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for index in a.indices {
            let difference = a[index] - b[index]
            sum += difference * difference
        }
        return sum
    }
}
