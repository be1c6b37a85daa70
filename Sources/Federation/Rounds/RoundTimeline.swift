import FedzProtocol

/// When an open round passed each of its phases, as the coordinator sees them. Pure:
/// instants are passed in.
public struct RoundTimeline: Sendable {
    public let opened: ContinuousClock.Instant
    /// When the round start was first published.
    public private(set) var broadcast: ContinuousClock.Instant?
    public private(set) var firstResult: ContinuousClock.Instant?
    public private(set) var lastResult: ContinuousClock.Instant?
    /// When the results were aggregated into the new global model.
    public private(set) var aggregated: ContinuousClock.Instant?
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

    /// The new global model was computed at `now`.
    public mutating func onAggregated(now: ContinuousClock.Instant) {
        aggregated = now
    }

    /// The phases up to `closed` (the new version registered and published); a phase that
    /// never began ends where the previous one did, so the five always sum to `closed − opened`.
    public func phases(closed: ContinuousClock.Instant) -> RoundPhaseSeconds {
        let broadcastEnd = min(broadcast ?? closed, closed)
        let trainingEnd = min(max(firstResult ?? closed, broadcastEnd), closed)
        let collectionEnd = min(max(lastResult ?? trainingEnd, trainingEnd), closed)
        let aggregationEnd = min(max(aggregated ?? closed, collectionEnd), closed)
        return RoundPhaseSeconds(
            broadcast: (broadcastEnd - opened).seconds, training: (trainingEnd - broadcastEnd).seconds,
            collection: (collectionEnd - trainingEnd).seconds, aggregation: (aggregationEnd - collectionEnd).seconds,
            recording: (closed - aggregationEnd).seconds, handling: handling.seconds)
    }
}

/// Seconds a round spent in each phase, as the coordinator measured them: `broadcast` (round
/// opened → round start published), `training` (→ first result), `collection` (→ last result),
/// `aggregation` (→ new global model computed), `recording` (→ registered as a version and
/// published; the next round opens here). These five sum to the round's seconds. Outside
/// that sum: `handling`, the coordinator's own work on results during collection (decoding,
/// hashing, bookkeeping), and `evaluation`, testing the new version and saving the checkpoint,
/// which runs while the next round trains.
public struct RoundPhaseSeconds: Codable, Sendable, Equatable {
    public var broadcast: Double
    public var training: Double
    public var collection: Double
    public var aggregation: Double
    public var recording: Double
    public var handling: Double
    public var evaluation: Double

    public init(
        broadcast: Double, training: Double, collection: Double, aggregation: Double, recording: Double,
        handling: Double, evaluation: Double = 0
    ) {
        self.broadcast = broadcast
        self.training = training
        self.collection = collection
        self.aggregation = aggregation
        self.recording = recording
        self.handling = handling
        self.evaluation = evaluation
    }

    /// The round time the phases cover.
    public var total: Double { broadcast + training + collection + aggregation + recording }

    /// Everything but the nodes' training: the phases in which no node trains (broadcast,
    /// aggregation and recording).
    public var coordinatorSeconds: Double { broadcast + aggregation + recording }

    /// The coordinator's exclusive phases plus its work on results while nodes still train
    /// (which delays the round only when the coordinator cannot keep up).
    public var coordinatorWorkSeconds: Double { coordinatorSeconds + handling }

    /// Every phase by its wire name, in order, then `handling` and `evaluation`: how metrics
    /// and the dashboard label them.
    public var named: [(phase: String, seconds: Double)] {
        [
            ("broadcast", broadcast), ("training", training), ("collection", collection), ("aggregation", aggregation),
            ("recording", recording), ("handling", handling), ("evaluation", evaluation),
        ]
    }
}
