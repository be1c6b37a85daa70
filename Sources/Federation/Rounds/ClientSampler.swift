import Learning

/// Chooses the clients of a round: a fraction C of the registered clients on live
/// nodes (at least `minimum`, and at least one), without replacement, from a seeded
/// generator, either uniformly or stratified by node (`SamplingMode`).
public enum ClientSampler {
    /// The number of clients a round samples out of `available`: max(round(C·K), minimum, 1),
    /// capped at K.
    public static func sampleSize(available: Int, fraction: Double, minimum: Int = 1) -> Int {
        guard available > 0 else { return 0 }
        return min(available, max(Int((fraction * Double(available)).rounded()), minimum, 1))
    }

    /// Node id → sampled client ids (sorted), drawn from `clients` (client id → node id).
    public static func sample(
        clients: [Int: String], fraction: Double, minimum: Int = 1, mode: SamplingMode = .uniform,
        using generator: inout SeededGenerator
    ) -> [String: [Int]] {
        sample(ClientDirectory(clients), fraction: fraction, minimum: minimum, mode: mode, using: &generator)
    }

    /// Node id → sampled client ids (sorted), `sampleSize` of them, drawn from `directory` in
    /// time and memory proportional to the sample (and, stratified, to the nodes), not to the
    /// clients registered.
    ///
    /// Stratified, node i with Kᵢ of the K clients gets ⌊n·Kᵢ/K⌋ or ⌈n·Kᵢ/K⌉ of the n
    /// (`LargestRemainder`), so a client's inclusion probability is n/K give or take 1/Kᵢ:
    /// exactly n/K when the nonzero remainders n·Kᵢ mod K are all equal (as with equal nodes).
    public static func sample(
        _ directory: ClientDirectory, fraction: Double, minimum: Int = 1, mode: SamplingMode = .uniform,
        using generator: inout SeededGenerator
    ) -> [String: [Int]] {
        let count = sampleSize(available: directory.count, fraction: fraction, minimum: minimum)
        switch mode {
        case .uniform:
            var assignments: [String: [Int]] = [:]
            for index in draw(count, outOf: directory.count, using: &generator) {
                let entry = directory.entries[index]
                assignments[entry.node, default: []].append(entry.client)
            }
            return assignments.mapValues { $0.sorted() }
        case .stratified:
            let shares = LargestRemainder.shares(of: count, among: directory.nodes.map(\.clients.count), using: &generator)
            var assignments: [String: [Int]] = [:]
            for (node, share) in zip(directory.nodes, shares) where share > 0 {
                assignments[node.node] = draw(share, outOf: node.clients.count, using: &generator).map { node.clients[$0] }.sorted()
            }
            return assignments
        }
    }

    /// Node id → sampled client ids (sorted): each client of `directory` independently with
    /// probability `rate` (Poisson sampling, the sampling the privacy accountant's
    /// amplification assumes). The count varies from round to round and may be zero; draw
    /// from a cryptographic generator so that nobody can predict the sample.
    public static func poisson(
        _ directory: ClientDirectory, rate: Double, using generator: inout some RandomNumberGenerator
    ) -> [String: [Int]] {
        var assignments: [String: [Int]] = [:]
        for entry in directory.entries where Double.random(in: 0..<1, using: &generator) < rate {
            assignments[entry.node, default: []].append(entry.client)
        }
        return assignments.mapValues { $0.sorted() }
    }

    /// The largest probability with which `sample` includes any one client of `directory`: n/K
    /// uniformly; stratified, the largest ⌈n·Kᵢ/K⌉/Kᵢ over the nodes (an upper bound: a node's share
    /// is that ceiling or one less). 0 for an empty directory.
    public static func largestInclusionProbability(
        _ directory: ClientDirectory, fraction: Double, minimum: Int = 1, mode: SamplingMode = .uniform
    ) -> Double {
        let count = sampleSize(available: directory.count, fraction: fraction, minimum: minimum)
        guard count > 0 else { return 0 }
        switch mode {
        case .uniform:
            return Double(count) / Double(directory.count)
        case .stratified:
            return directory.nodes.map { node in
                let clients = node.clients.count
                let ceiling = (count * clients + directory.count - 1) / directory.count
                return Double(min(ceiling, clients)) / Double(clients)
            }.max() ?? 0
        }
    }

    /// `count` distinct indices of 0..<size, uniformly: a partial Fisher–Yates shuffle of the
    /// indices with only the swapped positions stored, whose first `count` positions are the draw.
    private static func draw(_ count: Int, outOf size: Int, using generator: inout SeededGenerator) -> [Int] {
        var swapped: [Int: Int] = [:]
        return (0..<count).map { position in
            let pick = Int.random(in: position..<size, using: &generator)
            let chosen = swapped[pick] ?? pick
            swapped[pick] = swapped[position] ?? position
            return chosen
        }
    }
}

/// The registered clients in id order, each with its node, and each node's clients: what a
/// round samples from. Built once per membership change, so that a round costs nothing per
/// registered client.
public struct ClientDirectory: Sendable {
    /// Every registered client and the node hosting it, sorted by client id.
    public let entries: [(client: Int, node: String)]
    /// Every node hosting a client, in id order, with its clients sorted by id.
    public let nodes: [(node: String, clients: [Int])]

    public var count: Int { entries.count }

    /// A directory of `clients` (client id → node id).
    public init(_ clients: [Int: String]) {
        entries = clients.sorted { $0.key < $1.key }.map { (client: $0.key, node: $0.value) }
        var byNode: [String: [Int]] = [:]
        for entry in entries { byNode[entry.node, default: []].append(entry.client) }
        nodes = byNode.sorted { $0.key < $1.key }.map { (node: $0.key, clients: $0.value) }
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
