/// Per-peer rate limits on what a peer may ask of the coordinator, as a pure state machine:
/// a token bucket per peer for all its messages, and a much smaller one for the requests that
/// make the coordinator publish a whole model. A peer past its quota has its message refused
/// (and counted) instead of costing the federation work.
///
/// Peers are the identities the transport authenticated, so one key has one quota however
/// it names itself. The table holds at most `maximumPeers`; when it is full, peers whose
/// buckets have refilled (idle ones) make room, and a new peer is refused while none has.
public struct RequestQuota: Sendable {
    /// A refill rate and a burst.
    public struct Limit: Sendable, Equatable {
        public var perSecond: Double
        public var burst: Double

        public init(perSecond: Double, burst: Double) {
            self.perSecond = perSecond
            self.burst = burst
        }
    }

    private struct Bucket: Sendable {
        var tokens: Double
        var updated: ContinuousClock.Instant

        /// Refills for the time since `updated`, then takes one token if there is one.
        mutating func take(_ limit: Limit, now: ContinuousClock.Instant) -> Bool {
            let elapsed = max(0, (now - updated).seconds)
            tokens = min(limit.burst, tokens + elapsed * limit.perSecond)
            updated = max(updated, now)
            guard tokens >= 1 else { return false }
            tokens -= 1
            return true
        }

        func isFull(_ limit: Limit, now: ContinuousClock.Instant) -> Bool {
            tokens + max(0, (now - updated).seconds) * limit.perSecond >= limit.burst
        }
    }

    /// Every message of a peer: far above what a node with 100,000 clients sends in a round's
    /// burst, far below what a flood does.
    public static let messages = Limit(perSecond: 2_000, burst: 20_000)
    /// Model requests of a peer (each one publishes a model): a node asks once per version it lacks.
    public static let modelRequests = Limit(perSecond: 2, burst: 20)
    public static let maximumPeers = 10_000

    private let messageLimit: Limit
    private let requestLimit: Limit
    private var all: [String: Bucket] = [:]
    private var requests: [String: Bucket] = [:]

    public init(messages: Limit = Self.messages, modelRequests: Limit = Self.modelRequests) {
        self.messageLimit = messages
        self.requestLimit = modelRequests
    }

    /// Whether `peer` may send one more message now; `isModelRequest` also charges the
    /// model-request bucket.
    public mutating func admit(_ peer: String, isModelRequest: Bool, now: ContinuousClock.Instant) -> Bool {
        guard Self.take(&all, peer, messageLimit, now: now) else { return false }
        return !isModelRequest || Self.take(&requests, peer, requestLimit, now: now)
    }

    private static func take(
        _ buckets: inout [String: Bucket], _ peer: String, _ limit: Limit, now: ContinuousClock.Instant
    ) -> Bool {
        if buckets[peer] == nil, buckets.count >= maximumPeers {
            buckets = buckets.filter { !$0.value.isFull(limit, now: now) }
            guard buckets.count < maximumPeers else { return false }
        }
        var bucket = buckets[peer] ?? Bucket(tokens: limit.burst, updated: now)
        let taken = bucket.take(limit, now: now)
        buckets[peer] = bucket
        return taken
    }
}
