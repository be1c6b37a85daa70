import Federation
import Learning
import Foundation
import ModelOps

/// A production change made during this run.
struct Promotion: Codable, Sendable, Equatable {
    var version: Int
    var reason: String
}

/// Retraining after a drift alert: the alert stays open until a retrained version reaches
/// 98 % of production's field accuracy before the drift (the median of its field reports,
/// most of which predate the drift).
struct Retraining: Codable, Sendable, Equatable {
    var alert: Int
    var preDriftAccuracy: Double
    /// Whether rounds already train from production (it starts with the next round).
    var started = false
}

/// What the coordinator needs to resume a run after a crash, kept with the registry's
/// checkpoint (the round, production version and sampling state are the checkpoint's own).
struct RunCheckpoint: Codable, Sendable {
    /// The latest global version: the one the next round trains.
    var version: Int
    var candidate: Int?
    var retraining: Retraining?
    var history: [RoundResult]
    var promotions: [Promotion]
    var finished: Bool
    /// When the run began (before any restart), to tell its alerts from older ones.
    var startedAt: Date
    /// The privacy spent so far, so that ε keeps counting across restarts.
    var accountant: RDPAccountant
    /// Rounds each client was sampled into under privacy (nil in checkpoints written before).
    var inclusions: [Int: Int]?
    /// The strategy's server state (momentum, moments) after the last completed round;
    /// nil for a stateless strategy and in checkpoints written before fedz kept it.
    var strategyState: StrategyState?
}

/// A whole resume checkpoint: the registry's fields and the run's.
struct RoundCheckpoint: Sendable {
    /// The last completed round.
    var round: Int
    var production: Int?
    /// The sampling generator's state after that round.
    var rngState: [UInt64]
    var run: RunCheckpoint
}

/// The ModelOps desk's part of a checkpoint.
struct ModelOpsState: Sendable {
    var production: Int?
    var candidate: Int?
    var retraining: Retraining?
    var promotions: [Promotion]
    var startedAt: Date
}

extension RoundAggregation {
    /// Puts the strategy's server state back as `run` left it. Returns a warning when the
    /// checkpoint predates server state and the strategy's momentum and moments restart from
    /// zero; throws when the state does not fit the strategy (another strategy's, another model's).
    mutating func resume(from run: RunCheckpoint, global: [Tensor]) throws -> String? {
        guard let state = run.strategyState else {
            guard strategy.serverState != nil else { return nil }
            return "the checkpoint holds no server state: \(strategy.name)'s momentum and moments restart from zero"
        }
        do {
            try restore(state, global: global)
        } catch {
            throw PlanError("cannot resume \(strategy.name) from the checkpoint: \(error) (run without --resume to start afresh)")
        }
        return nil
    }
}
