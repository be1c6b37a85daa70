import Learning

/// Chooses the clients of a round: a fraction C of the registered clients on live
/// nodes (at least `minimum`, and at least one), uniformly without replacement, from a
/// seeded generator.
public enum ClientSampler {
    /// The number of clients a round samples out of `available`: max(round(C·K), minimum, 1),
    /// capped at K.
    public static func sampleSize(available: Int, fraction: Double, minimum: Int = 1) -> Int {
        guard available > 0 else { return 0 }
        return min(available, max(Int((fraction * Double(available)).rounded()), minimum, 1))
    }

    /// Node id → sampled client ids (sorted), drawn from `clients` (client id → node id).
    public static func sample(
        clients: [Int: String], fraction: Double, minimum: Int = 1, using generator: inout SeededGenerator
    ) -> [String: [Int]] {
        var pool = clients.keys.sorted()
        let count = sampleSize(available: pool.count, fraction: fraction, minimum: minimum)
        // Partial Fisher–Yates: the first `count` positions become the sample.
        for position in 0..<count {
            let pick = Int.random(in: position..<pool.count, using: &generator)
            pool.swapAt(position, pick)
        }
        var assignments: [String: [Int]] = [:]
        for client in pool.prefix(count) {
            assignments[clients[client]!, default: []].append(client)
        }
        return assignments.mapValues { $0.sorted() }
    }
}
