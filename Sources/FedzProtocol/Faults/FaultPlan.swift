/// What faults to inject into a process's messages, parsed from a `--fault-plan` such as
/// `drop=0.1,duplicate=0.05,delay=0.2:150,reorder=0.1,corrupt=0.01,partition=5-8,seed=7`:
/// probabilities per message, a delay in milliseconds, and a partition window in seconds
/// since start during which every message is lost. Seeded, so a plan replays exactly.
public struct FaultPlan: Sendable, Equatable, CustomStringConvertible {
    public var drop = 0.0
    public var duplicate = 0.0
    public var delayProbability = 0.0
    public var delay = Duration.zero
    public var reorder = 0.0
    public var corrupt = 0.0
    /// Seconds since start during which nothing gets through.
    public var partition: ClosedRange<Double>?
    public var seed: UInt64 = 1

    public init() {}

    /// Whether the plan does anything to a message (the seed alone does not).
    public var injectsFaults: Bool {
        drop > 0 || duplicate > 0 || delayProbability > 0 || reorder > 0 || corrupt > 0 || partition != nil
    }

    /// Parses the `key=value,…` form; unknown keys and out-of-range values are errors
    /// that name the offending part.
    public init(parsing text: String) throws(FaultPlanError) {
        for part in text.split(separator: ",", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pieces.count == 2 else { throw FaultPlanError("'\(part)' is not key=value") }
            let (key, value) = (pieces[0], pieces[1])
            switch key {
            case "drop": drop = try Self.probability(value, key)
            case "duplicate": duplicate = try Self.probability(value, key)
            case "reorder": reorder = try Self.probability(value, key)
            case "corrupt": corrupt = try Self.probability(value, key)
            case "delay":
                let halves = value.split(separator: ":").map(String.init)
                guard halves.count == 2, let milliseconds = Int(halves[1]), milliseconds >= 0 else {
                    throw FaultPlanError("delay wants PROBABILITY:MILLISECONDS, got '\(value)'")
                }
                delayProbability = try Self.probability(halves[0], key)
                delay = .milliseconds(milliseconds)
            case "partition":
                let bounds = value.split(separator: "-").compactMap { Double($0) }
                guard bounds.count == 2, bounds[0] >= 0, bounds[0] <= bounds[1] else {
                    throw FaultPlanError("partition wants FROM-TO seconds, got '\(value)'")
                }
                partition = bounds[0]...bounds[1]
            case "seed":
                guard let number = UInt64(value) else { throw FaultPlanError("seed '\(value)' is not a number") }
                seed = number
            default:
                throw FaultPlanError(
                    "unknown fault '\(key)'; known: drop, duplicate, delay, reorder, corrupt, partition, seed")
            }
        }
    }

    private static func probability(_ text: String, _ key: String) throws(FaultPlanError) -> Double {
        guard let value = Double(text), (0...1).contains(value) else {
            throw FaultPlanError("\(key) wants a probability in [0, 1], got '\(text)'")
        }
        return value
    }

    public var description: String {
        var parts = [
            "drop=\(drop)", "duplicate=\(duplicate)", "delay=\(delayProbability):\(Int(delay.seconds * 1000))",
            "reorder=\(reorder)", "corrupt=\(corrupt)",
        ]
        if let partition { parts.append("partition=\(partition.lowerBound)-\(partition.upperBound)") }
        return (parts + ["seed=\(seed)"]).joined(separator: ",")
    }
}

/// A fault plan that cannot be parsed, with what is wrong.
public struct FaultPlanError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
