/// A tensor under the name a file gives it, e.g. PyTorch's "conv0.weight": what a safetensors
/// file holds, and what `PyTorchLayout` turns a network's parameters into and back.
public struct NamedTensor: Sendable, Equatable {
    public var name: String
    public var tensor: Tensor

    public init(name: String, tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }
}
