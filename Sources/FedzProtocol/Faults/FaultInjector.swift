/// Applies a `FaultPlan` to a stream of messages, as a pure value: each message in
/// gives the deliveries to make now (possibly none, possibly several), each with the
/// delay to wait first. The shell carries them out; nothing here sleeps or sends.
public struct FaultInjector<Generator: RandomNumberGenerator & Sendable>: Sendable {
    /// How many messages each fault hit so far.
    public struct Counters: Sendable, Equatable {
        public var passed = 0
        public var dropped = 0
        public var duplicated = 0
        public var delayed = 0
        public var reordered = 0
        public var corrupted = 0
    }

    public let plan: FaultPlan
    public private(set) var counters = Counters()
    private var generator: Generator
    /// A message held back to be delivered after the next one (reordering).
    private var held: [[UInt8]]?

    public init(plan: FaultPlan, generator: Generator) {
        self.plan = plan
        self.generator = generator
    }

    /// The deliveries for one message arriving `elapsed` after the process started.
    public mutating func onMessage(_ frames: [[UInt8]], elapsed: Duration) -> [FaultDelivery] {
        if let partition = plan.partition, partition.contains(elapsed.seconds) {
            counters.dropped += 1
            return []
        }
        if chance(plan.drop) {
            counters.dropped += 1
            return []
        }
        var frames = frames
        if chance(plan.corrupt) {
            counters.corrupted += 1
            corrupt(&frames)
        }
        let delay = chance(plan.delayProbability) ? plan.delay : .zero
        if delay > .zero { counters.delayed += 1 }
        if held == nil, chance(plan.reorder) {
            counters.reordered += 1
            held = frames
            return []
        }
        counters.passed += 1
        var deliveries = [FaultDelivery(delay: delay, frames: frames)]
        if chance(plan.duplicate) {
            counters.duplicated += 1
            deliveries.append(FaultDelivery(delay: delay, frames: frames))
        }
        if let earlier = held {
            held = nil
            deliveries.append(FaultDelivery(delay: delay, frames: earlier))
        }
        return deliveries
    }

    private mutating func chance(_ probability: Double) -> Bool {
        probability > 0 && Double.random(in: 0..<1, using: &generator) < probability
    }

    private mutating func corrupt(_ frames: inout [[UInt8]]) {
        let candidates = frames.indices.filter { !frames[$0].isEmpty }
        guard let frame = candidates.randomElement(using: &generator) else { return }
        let byte = Int.random(in: 0..<frames[frame].count, using: &generator)
        frames[frame][byte] ^= UInt8.random(in: 1...255, using: &generator)
    }
}


/// One message to deliver after `delay`.
public struct FaultDelivery: Sendable, Equatable {
    public var delay: Duration
    public var frames: [[UInt8]]

    /// Carries out deliveries in order, waiting for each one's delay first.
    public static func perform(
        _ deliveries: [FaultDelivery], with send: @Sendable ([[UInt8]]) async throws -> Void
    ) async throws {
        for delivery in deliveries {
            if delivery.delay > .zero { try await Task.sleep(for: delivery.delay) }
            try await send(delivery.frames)
        }
    }
}
