import Actors

/// When an open round passed each of its phases, as the coordinator sees them. Pure:
/// instants are passed in.
public struct RoundTimeline: Sendable {
    public let opened: ContinuousClock.Instant
    /// When the round start was first published.
    public private(set) var broadcast: ContinuousClock.Instant?
    public private(set) var firstResult: ContinuousClock.Instant?
    public private(set) var lastResult: ContinuousClock.Instant?
    /// Time spent decoding and checking results (inside the collection phase).
    public private(set) var handling: Duration = .zero

    public init(opened: ContinuousClock.Instant) {
        self.opened = opened
    }

    /// The round start went out; only the first time counts.
    public mutating func onBroadcast(now: ContinuousClock.Instant) {
        if broadcast == nil { broadcast = now }
    }

    /// A result was accepted at `now`.
    public mutating func onResult(now: ContinuousClock.Instant) {
        if firstResult == nil { firstResult = now }
        lastResult = now
    }

    /// Receiving a result (decoding, hash check, bookkeeping) took `duration`.
    public mutating func onHandled(_ duration: Duration) {
        handling += duration
    }

    /// The phases up to `closed`; a phase that never began ends where the previous one did, so
    /// the four always sum to `closed − opened`.
    public func phases(closed: ContinuousClock.Instant) -> RoundPhaseSeconds {
        let broadcastEnd = min(broadcast ?? closed, closed)
        let trainingEnd = min(max(firstResult ?? closed, broadcastEnd), closed)
        let collectionEnd = min(max(lastResult ?? trainingEnd, trainingEnd), closed)
        return RoundPhaseSeconds(
            broadcast: (broadcastEnd - opened).seconds, training: (trainingEnd - broadcastEnd).seconds,
            collection: (collectionEnd - trainingEnd).seconds, aggregation: (closed - collectionEnd).seconds,
            handling: handling.seconds)
    }
}

/// Seconds a round spent in each phase, as the coordinator measured them: `broadcast` (round
/// opened → round start published), `training` (→ first result), `collection` (→ last result),
/// `aggregation` (→ aggregated, evaluated, registered and the new version published). They sum
/// to the round's seconds. `handling` is the coordinator's own work on results during
/// collection (decoding, hashing, bookkeeping).
public struct RoundPhaseSeconds: Codable, Sendable, Equatable {
    public var broadcast: Double
    public var training: Double
    public var collection: Double
    public var aggregation: Double
    public var handling: Double

    public init(broadcast: Double, training: Double, collection: Double, aggregation: Double, handling: Double) {
        self.broadcast = broadcast
        self.training = training
        self.collection = collection
        self.aggregation = aggregation
        self.handling = handling
    }

    /// The round time the phases cover.
    public var total: Double { broadcast + training + collection + aggregation }

    /// Everything but the nodes' training: the phases in which no node trains (broadcast and
    /// aggregation).
    public var coordinatorSeconds: Double { broadcast + aggregation }

    /// The coordinator's exclusive phases plus its work on results while nodes still train
    /// (which delays the round only when the coordinator cannot keep up).
    public var coordinatorWorkSeconds: Double { coordinatorSeconds + handling }
}
