import Foundation

/// A drift alert as kept in the registry.
public struct AlertRecord: Sendable, Equatable, Identifiable {
    /// Whether someone still has to act on it.
    public enum State: String, Sendable, Codable {
        case open
        case resolved
    }

    /// The alert's id in the registry.
    public var id: Int
    /// What was seen.
    public var alert: DriftAlert
    /// The version in production when it was seen.
    public var version: Int?
    /// Open or resolved.
    public var state: State
    /// When it was resolved.
    public var resolvedAt: Date?
    /// How it was resolved (e.g. "version 17 promoted").
    public var resolution: String?
}
