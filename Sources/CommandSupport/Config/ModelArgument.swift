import ArgumentParser
import Foundation
import Learning
import Synchronization

/// `--model` as `fedz` and `fedz-node` take it: a built-in network's name, or a model definition
/// file, which is loaded, checked and registered with `ModelZoo` so that its architecture name
/// (the definition's name and content hash) builds it from then on.
public enum ModelArgument {
    /// Files already loaded, by the value given: a command asks more than once (validation, run).
    private static let loaded = Mutex<[String: String]>([:])

    /// The option's help text.
    public static var help: String {
        "Model: \(ModelZoo.names.joined(separator: ", ")), or a model definition file (TOML, see models/)."
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
            let architecture = ModelZoo.register(try ModelDefinitionFile.load(path: value))
            loaded.withLock { $0[value] = architecture }
            return architecture
        } catch {
            throw ValidationError(error.description)
        }
    }
}
