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
        sample(ClientDirectory(clients), fraction: fraction, minimum: minimum, using: &generator)
    }

    /// Node id → sampled client ids (sorted), drawn from `directory` in time and memory
    /// proportional to the sample, not to the clients registered.
    public static func sample(
        _ directory: ClientDirectory, fraction: Double, minimum: Int = 1, using generator: inout SeededGenerator
    ) -> [String: [Int]] {
        let count = sampleSize(available: directory.count, fraction: fraction, minimum: minimum)
        // Partial Fisher–Yates over the sorted ids, with only the swapped positions stored:
        // the first `count` positions become the sample.
        var swapped: [Int: Int] = [:]
        var assignments: [String: [Int]] = [:]
        for position in 0..<count {
            let pick = Int.random(in: position..<directory.count, using: &generator)
            let chosen = swapped[pick] ?? pick
            swapped[pick] = swapped[position] ?? position
            let entry = directory.entries[chosen]
            assignments[entry.node, default: []].append(entry.client)
        }
        return assignments.mapValues { $0.sorted() }
    }
}

/// The registered clients in id order, each with its node: what a round samples from. Built
/// once per membership change, so that a round costs nothing per registered client.
public struct ClientDirectory: Sendable {
    /// Every registered client and the node hosting it, sorted by client id.
    public let entries: [(client: Int, node: String)]

    public var count: Int { entries.count }

    /// A directory of `clients` (client id → node id).
    public init(_ clients: [Int: String]) {
        entries = clients.sorted { $0.key < $1.key }.map { (client: $0.key, node: $0.value) }
    }

    /// A directory of the clients each node hosts (node id → client ids); a client listed by
    /// two nodes counts once, on either.
    public init(nodes: [String: [Int]]) {
        var clients: [Int: String] = [:]
        for (node, ids) in nodes {
            for id in ids { clients[id] = node }
        }
        self.init(clients)
    }
}
