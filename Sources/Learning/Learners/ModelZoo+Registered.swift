import Crypto
import Foundation
import Synchronization

/// Definitions this process knows besides the built-in networks: a command that loads a model
/// definition file registers it, and from then on its architecture name builds it like a
/// built-in name does (in rounds, evaluation, served versions).
extension ModelZoo {
    private static let definitions = Mutex<[String: ModelDefinition]>([:])

    /// Registers `definition`; returns its architecture name: the definition's name, "#" and 12
    /// hex digits of the SHA-256 of its canonical JSON, so that two different definitions never
    /// share one (at most 64 bytes, as the wire allows).
    @discardableResult
    public static func register(_ definition: ModelDefinition) -> String {
        let architecture = architectureName(of: definition)
        definitions.withLock { $0[architecture] = definition }
        return architecture
    }

    /// The architecture name `register` gives `definition`.
    public static func architectureName(of definition: ModelDefinition) -> String {
        let digest = SHA256.hash(data: definition.canonicalJSON).map { String(format: "%02x", $0) }.joined()
        return "\(definition.name.prefix(ModelDefinition.Bounds.nameLength - 13))#\(digest.prefix(12))"
    }

    /// The registered definition named `architecture`.
    static func registered(_ architecture: String) -> ModelDefinition? {
        definitions.withLock { $0[architecture] }
    }

    /// The definition registered under `architecture` (from a file this process loaded or a
    /// coordinator sent); nil for built-in names and unknown ones.
    public static func registeredDefinition(_ architecture: String) -> ModelDefinition? {
        registered(architecture)
    }
}

extension ModelDefinition {
    /// The built-in data set whose samples this network takes: MNIST for 28×28 inputs and 10
    /// classes, Tiny Shakespeare for next-character prediction over its 80-character windows.
    func builtInDataset() throws(LearningError) -> Dataset {
        let rows = try describe()
        let output = rows.last?.outputShape ?? []
        switch head {
        case .classification where input == [28, 28] && output == [10]:
            return .mnist
        case .nextToken where input == [ModelZoo.characterSteps] && output.last == Shakespeare.vocabulary.count:
            return .shakespeare
        default:
            throw LearningError(.noDataset(model: name))
        }
    }
}

extension ModelDefinition {
    /// The definition as JSON with its keys sorted: what its architecture name hashes, and what
    /// the registry records with each version.
    public var canonicalJSON: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }
}
