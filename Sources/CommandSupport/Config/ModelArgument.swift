import ArgumentParser
import Foundation
import Learning
import Synchronization

/// `--model` as `fedz` and `fedz-node` take it: a built-in network's name, a model definition
/// file, or an ONNX file exported from PyTorch (`ONNXImport`); a file is loaded, checked and
/// registered with `ModelZoo` so that its architecture name (the definition's name and content
/// hash) builds it from then on, and an ONNX file's weights are kept as the federation's start.
public enum ModelArgument {
    /// Files already loaded, by the value given: a command asks more than once (validation, run).
    private static let loaded = Mutex<[String: String]>([:])
    /// The weights of the ONNX files loaded, by the value given.
    private static let imported = Mutex<[String: [Tensor]]>([:])

    /// The option's help text.
    public static var help: String {
        "Model: \(ModelZoo.names.joined(separator: ", ")), a model definition file (TOML, see models/), or an ONNX file exported from PyTorch (its weights are the start)."
    }

    /// The weights an ONNX file given as `value` came with (loaded by `architecture`); nil for
    /// other models.
    public static func importedWeights(_ value: String) -> [Tensor]? {
        imported.withLock { $0[value] }
    }

    /// `value` as a child process started elsewhere takes it: a file by its absolute path.
    public static func forChildren(_ value: String) -> String {
        ModelZoo.names.contains(value) ? value : URL(fileURLWithPath: value).standardizedFileURL.path
    }

    /// The architecture name `value` stands for.
    public static func architecture(_ value: String) throws -> String {
        if ModelZoo.names.contains(value) { return value }
        guard FileManager.default.fileExists(atPath: value) else {
            throw ValidationError("unknown model '\(value)': neither a built-in network (\(ModelZoo.names.joined(separator: ", "))) nor a model definition file")
        }
        if let architecture = loaded.withLock({ $0[value] }) { return architecture }
        do {
            let definition: ModelDefinition
            if URL(fileURLWithPath: value).pathExtension.lowercased() == "onnx" {
                guard let bytes = FileManager.default.contents(atPath: value) else { throw LearningError(.missingFile(path: value)) }
                let name = URL(fileURLWithPath: value).deletingPathExtension().lastPathComponent
                let network = try ONNXImport.network([UInt8](bytes), name: String(name.prefix(ModelDefinition.Bounds.nameLength - 13)), path: value)
                definition = network.definition
                imported.withLock { $0[value] = network.weights }
            } else {
                definition = try ModelDefinitionFile.load(path: value)
            }
            let architecture = ModelZoo.register(definition)
            loaded.withLock { $0[value] = architecture }
            return architecture
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
