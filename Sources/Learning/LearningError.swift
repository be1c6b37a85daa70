/// An error from the learning core, carrying the facts needed to act on it.
public struct LearningError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// `setParameters` got a different number of tensors than the model has.
        case parameterCount(expected: Int, actual: Int)
        /// A parameter tensor has the wrong shape.
        case parameterShape(name: String, expected: [Int], actual: [Int])
        /// A parameter tensor holds NaN or infinity at `index`.
        case nonFiniteParameter(name: String, index: Int)
        /// `ModelZoo.make` was asked for a model it does not know.
        case unknownModel(name: String, known: [String])
        /// A layer cannot take inputs of this per-sample shape.
        case incompatibleShape(layer: String, inputShape: [Int])
        /// Data does not fit the model: per-sample feature shape differs.
        case featureShape(expected: [Int], actual: [Int])
        /// The model has no data set to train on in a federation.
        case noDataset(model: String)
        /// A label lies outside `0..<classCount`.
        case labelOutOfRange(label: Int32, index: Int, classCount: Int)
        /// A training setting is out of range.
        case invalidConfig(String)
        /// The training loss became NaN or infinite.
        case nonFiniteLoss(epoch: Int, step: Int)
        /// A data file does not exist or cannot be read.
        case missingFile(path: String)
        /// A data file's SHA-256 differs from the known sum.
        case checksumMismatch(path: String, expected: String, actual: String)
        /// A data file could not be decompressed or decoded.
        case malformedFile(path: String, reason: String)
        /// Work was submitted to a `ComputeThread` after `stop()`.
        case computeThreadStopped(name: String)
        /// A model definition asks for something out of bounds or shapes that do not fit;
        /// `layer` is the 0-based index of the layer at fault and `part` its type, or, for the
        /// model as a whole, `layer` is nil and `part` the field at fault (name, input, head, layers).
        case modelDefinition(layer: Int?, part: String?, reason: String)
    }

    /// What went wrong, with its facts.
    public var kind: Kind

    /// Wraps `kind`.
    public init(_ kind: Kind) { self.kind = kind }

    /// One line stating the problem and its facts.
    public var description: String {
        switch kind {
        case let .parameterCount(expected, actual):
            return "expected \(expected) parameter tensors, got \(actual)"
        case let .parameterShape(name, expected, actual):
            return "parameter \(name): expected shape \(expected), got \(actual)"
        case let .nonFiniteParameter(name, index):
            return "parameter \(name): non-finite value at index \(index)"
        case let .unknownModel(name, known):
            return "unknown model '\(name)'; known models: \(known.joined(separator: ", "))"
        case let .incompatibleShape(layer, inputShape):
            return "layer \(layer) cannot take per-sample input shape \(inputShape)"
        case let .featureShape(expected, actual):
            return "model expects per-sample features of shape \(expected), data has \(actual)"
        case let .noDataset(model):
            return "model \(model) has no federated data set"
        case let .labelOutOfRange(label, index, classCount):
            return "label \(label) at sample \(index) is outside 0..<\(classCount)"
        case let .invalidConfig(reason):
            return "invalid training config: \(reason)"
        case let .nonFiniteLoss(epoch, step):
            return "training loss became non-finite in epoch \(epoch) at step \(step)"
        case let .missingFile(path):
            return "missing or unreadable file \(path)"
        case let .checksumMismatch(path, expected, actual):
            return "file \(path): sha256 \(actual) does not match the expected \(expected)"
        case let .malformedFile(path, reason):
            return "file \(path): \(reason)"
        case let .computeThreadStopped(name):
            return "compute thread '\(name)' was stopped"
        case let .modelDefinition(layer?, part, reason):
            return "layer \(layer + 1)\(part.map { " (\($0))" } ?? ""): \(reason)"
        case let .modelDefinition(nil, _, reason):
            return "model definition: \(reason)"
        }
    }
}
