extension Tensor {
    /// The tensor with its axes in `order`: axis i of the result is axis `order[i]` of this one
    /// (for a matrix, [1, 0] transposes it). How exports and imports move between fedz's and
    /// other layouts, e.g. a kernel [kh, kw, in, out] to ONNX's [out, in, kh, kw] with [3, 2, 0, 1].
    func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(shape.indices), "permuted: \(order) is no order of \(shape.count) axes")
        let strides = shape.indices.map { shape[($0 + 1)...].reduce(1, *) }
        let target = order.map { shape[$0] }
        var result = [Float](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for position in result.indices {
            result[position] = values[zip(order, index).reduce(0) { $0 + strides[$1.0] * $1.1 }]
            var axis = target.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < target[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(shape: target, values: result)
    }
}
