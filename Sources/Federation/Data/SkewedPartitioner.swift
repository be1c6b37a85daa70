import Learning

/// Non-IID splits of sample indices among clients, both seeded; every client gets at
/// least one sample (taken from the largest client) as long as there are enough samples.
public enum SkewedPartitioner {
    /// Label skew (Hsu et al. 2019): for each label, its samples are shuffled and split
    /// among the clients in proportions drawn from Dirichlet(α); small α gives each
    /// client few labels, large α approaches IID.
    public static func dirichlet(labels: [Int32], clients: Int, alpha: Double, seed: UInt64) -> [[Int]] {
        precondition(clients > 0 && alpha > 0, "dirichlet: need clients > 0 and α > 0")
        var generator = SeededGenerator(seed: seed)
        var parts = [[Int]](repeating: [], count: clients)
        let byLabel = Dictionary(grouping: labels.indices, by: { labels[$0] })
        for label in byLabel.keys.sorted() {
            var members = byLabel[label]!
            members.shuffle(using: &generator)
            let shares = RandomDraws.dirichlet(alpha: alpha, count: clients, using: &generator)
            deal(members, counts: counts(shares, total: members.count), into: &parts)
        }
        return fillingEmpty(parts)
    }

    /// Quantity skew: samples shuffled uniformly, client sizes in proportions drawn from
    /// Dirichlet(β); labels stay IID.
    public static func quantity(count: Int, clients: Int, beta: Double, seed: UInt64) -> [[Int]] {
        precondition(count >= 0 && clients > 0 && beta > 0, "quantity: need count ≥ 0, clients > 0 and β > 0")
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<count)
        order.shuffle(using: &generator)
        let shares = RandomDraws.dirichlet(alpha: beta, count: clients, using: &generator)
        var parts = [[Int]](repeating: [], count: clients)
        deal(order, counts: counts(shares, total: count), into: &parts)
        return fillingEmpty(parts)
    }

    /// Whole counts summing to `total` in the given proportions (largest remainders first).
    static func counts(_ shares: [Double], total: Int) -> [Int] {
        let exact = shares.map { $0 * Double(total) }
        var counts = exact.map { Int($0.rounded(.down)) }
        let byRemainder = exact.indices.sorted { (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1) }
        for index in byRemainder.prefix(total - counts.reduce(0, +)) { counts[index] += 1 }
        return counts
    }

    /// Appends consecutive runs of `items` of the given lengths to the parts.
    private static func deal(_ items: [Int], counts: [Int], into parts: inout [[Int]]) {
        var start = 0
        for (part, length) in counts.enumerated() {
            parts[part].append(contentsOf: items[start..<(start + length)])
            start += length
        }
    }

    /// Moves one sample from the largest part into each empty one, while there are
    /// parts with more than one sample.
    private static func fillingEmpty(_ parts: [[Int]]) -> [[Int]] {
        var parts = parts
        while let empty = parts.firstIndex(where: \.isEmpty),
              let largest = parts.indices.max(by: { (parts[$0].count, -$0) < (parts[$1].count, -$1) }),
              parts[largest].count > 1
        {
            parts[empty].append(parts[largest].removeLast())
        }
        return parts
    }
}
