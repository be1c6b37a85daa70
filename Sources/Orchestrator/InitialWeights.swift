import ArgumentParser
import Foundation
import Learning
import Synchronization

/// `--init FILE.safetensors`: the weights a federation starts from instead of seeded random ones,
/// read through `SafetensorsExport` and checked against the model before anything starts (names
/// and shapes exactly the model's, values finite). The coordinator registers them as version 1;
/// a resumed run keeps its checkpoint's weights instead.
enum InitialWeights {
    /// Files already read and checked, by path and architecture: a command asks more than once
    /// (validation, run), and a file is read once per process.
    private static let loaded = Mutex<[String: [Tensor]]>([:])

    /// The weights in the file at `path` for model `architecture` (a built-in network's name or a
    /// registered definition's), in the network's parameter order.
    static func load(path: String, architecture: String) throws -> [Tensor] {
        let key = "\(architecture)\u{0}\(path)"
        if let weights = loaded.withLock({ $0[key] }) { return weights }
        guard let definition = ModelDefinition.builtIn[architecture] ?? ModelZoo.registeredDefinition(architecture) else {
            throw ValidationError(
                "--init needs a network trained by backpropagation (\(ModelZoo.sequentialNames.joined(separator: ", ")) or a model definition file), not \(architecture)")
        }
        let weights: [Tensor]
        do {
            weights = try SafetensorsExport.read(from: URL(fileURLWithPath: path), of: definition)
        } catch {
            throw ValidationError("--init: \(error)")
        }
        loaded.withLock { $0[key] = weights }
        return weights
    }
}
