/// Dense row-major Float32 tensor.
public struct Tensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    public var shape: [Int]
    /// The elements in row-major order; `values.count` equals the product of `shape`.
    public var values: [Float]

    /// A tensor over `values`; `values.count` must equal the product of `shape`.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative dimension")
        precondition(shape.elementCount == values.count,
                     "Tensor shape \(shape) needs \(shape.elementCount) values, got \(values.count)")
        self.shape = shape
        self.values = values
    }

    /// A tensor of the given shape filled with zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, values: [Float](repeating: 0, count: shape.elementCount))
    }

    /// Number of elements.
    public var count: Int { values.count }

    /// Gives the tensor `shape`, reallocating only when the element count changes.
    /// Contents are unspecified afterwards: callers overwrite every element.
    mutating func resize(to shape: [Int]) {
        let needed = shape.elementCount
        if values.count != needed { values = [Float](repeating: 0, count: needed) }
        if self.shape != shape { self.shape = shape }
    }
}

extension Array where Element == Int {
    /// Product of the dimensions of a shape (1 for a scalar shape `[]`).
    var elementCount: Int { reduce(1, *) }
}
