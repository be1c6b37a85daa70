import Foundation

/// A movable name for a version.
public enum ModelAlias: String, Sendable, CaseIterable, Codable {
    /// The version nodes serve.
    case production
    /// A retrained version awaiting promotion.
    case candidate
}

/// One move of an alias, as kept in its history.
public struct AliasMove: Sendable, Equatable {
    /// How the alias moved.
    public enum Action: String, Sendable, Codable {
        /// Pointed at a version by `setAlias`.
        case set
        /// `production` pointed at a version by `promote`.
        case promote
        /// `production` returned to its previous version by `rollback`.
        case rollback
        /// Removed (a `candidate` that was promoted).
        case clear
    }

    /// The alias that moved.
    public var alias: ModelAlias
    /// Where it points now (nil once cleared).
    public var version: Int?
    /// Where it pointed before (nil if it was unset).
    public var previous: Int?
    /// How it moved.
    public var action: Action
    /// Who moved it (`coordinator`, `monitor`, `cli`, …).
    public var actor: String
    /// Why.
    public var reason: String
    /// When.
    public var time: Date

    /// The production versions in force after `moves` (oldest first), as a stack: a set or
    /// promotion pushes its version, a rollback pops. `rollback` returns to the entry below the top.
    static func productionStack(_ moves: [AliasMove]) -> [Int] {
        var stack: [Int] = []
        for move in moves where move.alias == .production {
            switch move.action {
            case .set, .promote:
                if let version = move.version, stack.last != version { stack.append(version) }
            case .rollback:
                _ = stack.popLast()
            case .clear:
                stack.removeAll()
            }
        }
        return stack
    }
}
