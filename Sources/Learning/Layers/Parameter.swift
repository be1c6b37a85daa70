/// One trainable tensor of a layer together with its gradient.
final class Parameter {
    /// Name within the layer, e.g. "weight".
    let name: String
    var value: Tensor
    /// dLoss/dValue for the last batch passed backward; same shape as `value`.
    var gradient: Tensor

    init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.gradient = Tensor(zeros: value.shape)
    }

    /// A parameter with the same name whose value shares this one's storage (copy-on-write:
    /// no copy is made while neither is written) and whose gradient is its own.
    func replica() -> Parameter { Parameter(name: name, value: value) }
}

extension Array where Element == Parameter {
    /// Calls `body(index, value, gradient, count)` for each parameter in turn with pointers to its
    /// value and gradient storage (taken on this thread, valid during the call).
    func forEachStorage(
        _ body: (Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        for (index, parameter) in enumerated() {
            parameter.value.values.withUnsafeMutableBufferPointer { value in
                parameter.gradient.values.withUnsafeMutableBufferPointer { gradient in
                    body(index, value.baseAddress!, gradient.baseAddress!, value.count)
                }
            }
        }
    }
}

/// A trainable parameter's name (e.g. "dense0.weight") and shape.
public struct ParameterSpec: Sendable, Equatable, Codable {
    /// Layer name and parameter name joined by a dot, e.g. "dense0.weight".
    public var name: String
    /// Shape of the tensor.
    public var shape: [Int]

    /// A spec for a parameter `name` of shape `shape`.
    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }

    /// Number of elements.
    public var count: Int { shape.elementCount }
}
