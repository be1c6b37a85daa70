/// Capped exponential backoff with jitter, as a pure value: each failed attempt doubles
/// the delay up to `cap`; the delay returned is drawn from the upper half of the current
/// step, so that many peers retrying together spread out.
public struct Backoff: Sendable {
    public let base: Duration
    public let cap: Duration
    private var attempt = 0

    public init(base: Duration, cap: Duration) {
        precondition(base > .zero && cap >= base, "Backoff needs 0 < base ≤ cap")
        self.base = base
        self.cap = cap
    }

    /// The delay before the next attempt; advances the attempt count.
    public mutating func next<G: RandomNumberGenerator>(using generator: inout G) -> Duration {
        let step = min(cap, base * (1 << min(attempt, 30)))
        attempt += 1
        return step / 2 + step / 2 * Double.random(in: 0...1, using: &generator)
    }

    /// Back to the base delay after a success.
    public mutating func reset() { attempt = 0 }
}
