import Foundation

/// What the coordinator needs to resume after a restart.
public struct Checkpoint: Sendable, Equatable {
    /// The last completed round.
    public var round: Int
    /// The production version at that point.
    public var productionVersion: Int?
    /// The coordinator's random generator state.
    public var rngState: [UInt64]
    /// Anything else, as JSON text.
    public var extra: String
    /// When it was saved.
    public var savedAt: Date

    /// A checkpoint with these facts; `extra` must be JSON text.
    public init(round: Int, productionVersion: Int?, rngState: [UInt64], extra: String = "{}", savedAt: Date) {
        self.round = round
        self.productionVersion = productionVersion
        self.rngState = rngState
        self.extra = extra
        self.savedAt = savedAt
    }
}
