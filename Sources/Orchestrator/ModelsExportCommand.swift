import ArgumentParser
import Foundation
import Learning
import ModelOps

extension ModelsCommand {
    /// `fedz models export V --out FILE [--format fedz|onnx]`.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a version's weights, or the whole network, to a file.",
            discussion: """
                --format fedz (the default): the registry's artifact, checked against its sha256, in the \
                format "fedz tensors v1" (little-endian): 8 bytes magic FEDZTNS1; u32 tensor count T; T times \
                (u32 rank R, R x u32 dimensions); then each tensor's values as float32, row-major. \
                In Python: T = struct.unpack_from("<I", b, 8)[0], then the shapes, then \
                numpy.frombuffer(b, "<f4", count, offset) per tensor.

                --format onnx: the network with the version's weights as an ONNX model (opset 17) that \
                onnxruntime runs to fedz's logits: input "input" [batch, ...the definition's input] float32 \
                (channels last; token ids as floats), output "logits" [batch, classes] or [batch, steps, \
                vocabulary]. For the networks of model definitions (built-in or from a file, whose \
                definition the registry keeps with each version).

                --format safetensors: the version's weights under the names and in the layouts of the \
                equivalent torch.nn modules (Linear [out, in], Conv2d [out, in, kh, kw], LSTM weight_ih_l0 \
                ...; layer names as fedz models describe prints them), the definition in the metadata; \
                what fedz run --init reads back.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case fedz, onnx, safetensors
        }

        @Argument(help: "Version number.")
        var version: Int

        @Option(help: "File to write.")
        var out: String

        @Option(help: "fedz (weights), onnx (the network) or safetensors (weights, PyTorch's names and layouts).")
        var format: Format = .fedz

        @OptionGroup var state: StateOptions

        func run() throws {
            let registry = try state.registry()
            let record = try registry.version(version)
            switch format {
            case .fedz:
                try registry.export(version, to: URL(fileURLWithPath: out))
            case .onnx:
                let definition = try ExportedDefinition.of(record)
                try Data(ONNXExport.model(definition, weights: registry.weights(of: version))).write(to: URL(fileURLWithPath: out))
            case .safetensors:
                try SafetensorsExport.write(
                    registry.weights(of: version), of: ExportedDefinition.of(record), to: URL(fileURLWithPath: out),
                    metadata: ["fedz.version": "\(version)", "fedz.sha256": record.hash])
            }
            print("version \(version) (sha256 \(record.hash)) written to \(out) as \(format.rawValue)")
        }
    }
}

/// The model definition a registered version was trained from: a built-in network's by name,
/// else the one the coordinator recorded in the version's configuration, checked against the
/// version's architecture name (its content must hash to it) and the definition bounds.
enum ExportedDefinition {
    static func of(_ version: ModelVersion) throws -> ModelDefinition {
        let architecture = version.draft.architecture
        if let builtIn = ModelDefinition.builtIn[architecture] { return builtIn }
        struct Config: Decodable { var definition: ModelDefinition? }
        guard let definition = (try? JSONDecoder().decode(Config.self, from: Data(version.draft.config.utf8)))?.definition else {
            throw FedzError("version \(version.number) is a \(architecture), not a network of layers fedz can export")
        }
        guard ModelZoo.architectureName(of: definition) == architecture else {
            throw FedzError("version \(version.number): the recorded definition does not hash to its architecture \(architecture)")
        }
        _ = try definition.describe()
        return definition
    }
}
