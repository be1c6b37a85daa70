import Foundation

/// A network's weights as a safetensors file in PyTorch's names and layouts (`PyTorchLayout`),
/// and back: what `fedz models export --format safetensors` writes and `--init` reads.
///
/// The file's `__metadata__` holds `format` = `pt` (what `safetensors.torch.save_file` writes),
/// `fedz.model` (the definition's name), `fedz.definition` (the definition as JSON, keys
/// sorted) and `fedz.layout` = `pytorch` (the layout `PyTorchLayout` documents: NCHW inputs,
/// dense layers after a feature map permuted for `nn.Flatten`), then whatever the caller adds.
public enum SafetensorsExport {
    /// The metadata every file gets for `definition`.
    public static func metadata(of definition: ModelDefinition) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(definition)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ["format": "pt", "fedz.model": definition.name, "fedz.definition": json, "fedz.layout": "pytorch"]
    }

    /// The file's bytes for `weights`, the parameters of `definition`'s network in
    /// `Sequential.parameters()` order (checked: count, shapes, finite values); `metadata` is added
    /// to `metadata(of:)`, its values winning.
    public static func encode(
        _ weights: [Tensor], of definition: ModelDefinition, metadata: [String: String] = [:]
    ) throws(LearningError) -> [UInt8] {
        let layout = try PyTorchLayout(definition)
        return Safetensors.encode(Safetensors.Contents(
            tensors: try layout.pytorchTensors(from: weights),
            metadata: Self.metadata(of: definition).merging(metadata) { _, caller in caller }))
    }

    /// Writes `encode(weights, of: definition, metadata: metadata)` to `url`, atomically.
    public static func write(
        _ weights: [Tensor], of definition: ModelDefinition, to url: URL, metadata: [String: String] = [:]
    ) throws {
        try Data(encode(weights, of: definition, metadata: metadata)).write(to: url, options: .atomic)
    }

    /// The parameters of `definition`'s network, in `Sequential.parameters()` order, from the
    /// safetensors file at `url`: written by `write`, or by `safetensors.torch.save_file` from the
    /// equivalent module's state dict. The file must hold exactly the layout's tensor names and
    /// shapes, as F32 with finite values; every error names the file and the first mismatch.
    public static func read(from url: URL, of definition: ModelDefinition) throws(LearningError) -> [Tensor] {
        let layout = try PyTorchLayout(definition)
        return try layout.weights(from: Safetensors.read(contentsOf: url).tensors, path: url.path)
    }
}
