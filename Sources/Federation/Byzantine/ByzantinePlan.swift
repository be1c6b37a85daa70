import Learning

/// Which nodes of a local cluster are Byzantine and how they behave
/// (`fraction=F,kind=KIND`): round(F·nodes) nodes, chosen from the seed.
public struct ByzantinePlan: Sendable, Equatable, CustomStringConvertible {
    /// F ∈ [0, 1], the fraction of nodes that are Byzantine.
    public var fraction: Double
    public var behavior: ByzantineBehavior

    public init(fraction: Double, behavior: ByzantineBehavior) {
        self.fraction = fraction
        self.behavior = behavior
    }

    /// Parses `fraction=F,kind=KIND` (the keys in either order).
    public init(_ text: String) throws(PlanError) {
        var fields: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["fraction", "kind"].contains(parts[0]), fields[parts[0]] == nil else {
                throw PlanError("--byzantine wants fraction=F,kind=scale:FACTOR|noise[:SIGMA]|flip-labels, got '\(text)'")
            }
            fields[parts[0]] = parts[1]
        }
        guard let fractionText = fields["fraction"], let fraction = Double(fractionText), (0...1).contains(fraction),
              let kind = fields["kind"]
        else {
            throw PlanError("--byzantine wants fraction=F (0 ≤ F ≤ 1) and kind=KIND, got '\(text)'")
        }
        self.init(fraction: fraction, behavior: try ByzantineBehavior(kind))
    }

    public var description: String { "fraction=\(fraction),kind=\(behavior)" }

    /// The indices of the Byzantine nodes among `nodes`, sorted; the same for the same seed.
    public func byzantineNodes(of nodes: Int, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed ^ 0xB12A_4714_E000_0000)
        var order = Array(0..<nodes)
        order.shuffle(using: &generator)
        return order.prefix(Int((fraction * Double(nodes)).rounded())).sorted()
    }
}
