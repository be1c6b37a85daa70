import FedzProtocol
import Learning

/// Body of `model_definition`: the architecture a federation trains and, when it was defined in
/// a file, the definition, so that a node needs nothing installed but fedz. A node takes it as it
/// takes anything from the network: the definition must be within `ModelDefinition.Bounds`, and
/// the architecture name must be the one its content hashes to.
public struct ModelDefinitionBody: Codable, Sendable, Equatable {
    public var architecture: String
    /// The definition of an architecture from a file; nil for a built-in name.
    public var definition: ModelDefinition?

    public init(architecture: String, definition: ModelDefinition?) {
        self.architecture = architecture
        self.definition = definition
    }

    /// The body the coordinator sends for `architecture`: with the definition this process
    /// registered for it, if any.
    public init(architecture: String) {
        self.init(architecture: architecture, definition: ModelZoo.registeredDefinition(architecture))
    }

    /// Checks the body and registers its definition; returns the architecture to train. Throws
    /// for an architecture that is neither built in nor defined, a definition out of bounds or
    /// whose shapes do not fit, and one whose content does not hash to the architecture's name.
    public func accept() throws(WireError) -> String {
        guard let definition else {
            guard ModelZoo.names.contains(architecture) else {
                throw WireError(.unexpected, "architecture '\(architecture.prefix(64))' is not built in and came without its definition")
            }
            return architecture
        }
        do {
            _ = try definition.describe()
        } catch {
            throw WireError(.outOfRange, "model definition refused: \(error)")
        }
        guard ModelZoo.architectureName(of: definition) == architecture else {
            throw WireError(.checksum, "the definition's content does not hash to '\(architecture.prefix(64))'")
        }
        return ModelZoo.register(definition)
    }
}
