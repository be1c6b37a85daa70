/// A registry failure, with the facts needed to act on it. SQLite failures arrive as GRDB's
/// `DatabaseError`, which carries its own result code, message and statement.
public struct RegistryError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// No version has this number.
        case unknownVersion(Int)
        /// No alert has this id.
        case unknownAlert(Int)
        /// The alert was resolved already.
        case alertAlreadyResolved(Int)
        /// A version's artifact file is missing.
        case missingArtifact(version: Int, path: String)
        /// A version's artifact file does not hash to the version's hash.
        case hashMismatch(version: Int, path: String, expected: String, actual: String)
        /// Bytes that are not a valid artifact.
        case malformedArtifact(path: String, reason: String)
        /// A JSON text field is not valid JSON.
        case invalidJSON(field: String, reason: String)
        /// Rollback found no earlier production version to return to.
        case nothingToRollBack(production: Int?)
        /// A row holds a value this build does not know.
        case corruptRow(table: String, id: Int, reason: String)
        /// Reading or writing a file failed.
        case io(operation: String, path: String, reason: String)
    }

    /// What went wrong, with its facts.
    public var kind: Kind

    /// Wraps `kind`.
    public init(_ kind: Kind) { self.kind = kind }

    /// One line stating the problem and its facts.
    public var description: String {
        switch kind {
        case .unknownVersion(let number): "no model version \(number)"
        case .unknownAlert(let id): "no alert \(id)"
        case .alertAlreadyResolved(let id): "alert \(id) is already resolved"
        case .missingArtifact(let version, let path): "version \(version): artifact \(path) is missing"
        case .hashMismatch(let version, let path, let expected, let actual):
            "version \(version): artifact \(path) has sha256 \(actual), expected \(expected)"
        case .malformedArtifact(let path, let reason): "artifact \(path) is malformed: \(reason)"
        case .invalidJSON(let field, let reason): "\(field) is not valid JSON: \(reason)"
        case .nothingToRollBack(let production):
            "no earlier production version to roll back to (production is \(production.map(String.init) ?? "unset"))"
        case .corruptRow(let table, let id, let reason): "\(table) row \(id): \(reason)"
        case .io(let operation, let path, let reason): "\(operation) \(path) failed: \(reason)"
        }
    }
}
