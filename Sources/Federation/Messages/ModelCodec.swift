import Crypto
import FedzProtocol
import Learning

/// Converts model parameters to and from wire tensors, checking them against the
/// architecture's parameter specs, and names a version's weights by content hash.
public enum ModelCodec {
    /// Parameters as wire tensors named and shaped by `specs`.
    public static func wireTensors(_ parameters: [Tensor], specs: [ParameterSpec]) -> [WireTensor] {
        zip(parameters, specs).map { WireTensor(name: $0.1.name, shape: $0.1.shape, values: $0.0.values) }
    }

    /// Wire tensors as parameters, provided they match `specs` exactly in count,
    /// names and shapes; otherwise a `.badShape` error that says what differs.
    public static func tensors(_ wire: [WireTensor], matching specs: [ParameterSpec]) throws(WireError) -> [Tensor] {
        guard wire.count == specs.count else {
            throw WireError(.badShape, "\(wire.count) tensors, the model has \(specs.count)")
        }
        var result: [Tensor] = []
        result.reserveCapacity(wire.count)
        for (tensor, spec) in zip(wire, specs) {
            guard tensor.name == spec.name, tensor.shape == spec.shape, tensor.dtype == WireFormat.float32 else {
                throw WireError(
                    .badShape, "tensor \(tensor.name) \(tensor.dtype) \(tensor.shape), expected \(spec.name) float32 \(spec.shape)")
            }
            result.append(Tensor(shape: tensor.shape, values: tensor.values))
        }
        return result
    }

    /// SHA-256 (hex) over the parameters' shapes and little-endian values.
    public static func contentHash(_ parameters: [Tensor]) -> String {
        var hasher = SHA256()
        for tensor in parameters {
            hasher.update(data: Array(tensor.shape.map(String.init).joined(separator: "x").utf8) + [0])
            #if _endian(little)
            tensor.values.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            #else
            hasher.update(data: WireFormat.littleEndianBytes(tensor.values))
            #endif
        }
        let digits = Array("0123456789abcdef")
        return String(hasher.finalize().flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
