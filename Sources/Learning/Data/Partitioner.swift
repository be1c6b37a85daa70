/// Splits sample indices among federated clients.
public enum Partitioner {
    /// Seeded IID split of `0..<count` into `clients` parts whose sizes differ by at most one
    /// (the first `count % clients` parts get the extra sample).
    public static func iid(count: Int, clients: Int, seed: UInt64) -> [[Int]] {
        precondition(count >= 0 && clients > 0, "iid: need count ≥ 0 and clients > 0")
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<count)
        order.shuffle(using: &generator)
        return contiguousParts(of: order, parts: clients)
    }

    /// The FedAvg paper's pathological non-IID split: indices sorted by label (ties by index)
    /// are cut into `clients × shardsPerClient` shards of equal size (sizes differ by at most
    /// one), and each client gets `shardsPerClient` shards chosen at random from `seed`.
    /// Shards that straddle a label boundary give a few clients more than `shardsPerClient` labels.
    public static func shards(labels: [Int32], clients: Int, shardsPerClient: Int, seed: UInt64) -> [[Int]] {
        precondition(clients > 0 && shardsPerClient > 0, "shards: need clients > 0 and shardsPerClient > 0")
        let sorted = labels.indices.sorted { (labels[$0], $0) < (labels[$1], $1) }
        let shardList = contiguousParts(of: sorted, parts: clients * shardsPerClient)
        var generator = SeededGenerator(seed: seed)
        var shardOrder = Array(shardList.indices)
        shardOrder.shuffle(using: &generator)
        return (0..<clients).map { client in
            shardOrder[(client * shardsPerClient)..<((client + 1) * shardsPerClient)]
                .flatMap { shardList[$0] }
        }
    }

    /// Keeps groups together (e.g. a speaking role's text): the distinct group ids, shuffled from
    /// `seed`, are dealt to the clients round-robin, so with as many clients as groups each group is
    /// one client's whole data. A client's indices are in increasing order.
    public static func byGroup(groups: [Int32], clients: Int, seed: UInt64) -> [[Int]] {
        precondition(clients > 0, "byGroup: need clients > 0")
        var generator = SeededGenerator(seed: seed)
        var distinct = Array(Set(groups)).sorted()
        distinct.shuffle(using: &generator)
        var client: [Int32: Int] = [:]
        for (position, group) in distinct.enumerated() { client[group] = position % clients }
        var parts = [[Int]](repeating: [], count: clients)
        for (index, group) in groups.enumerated() { parts[client[group]!].append(index) }
        return parts
    }

    /// `items` cut in order into `parts` runs whose lengths differ by at most one.
    private static func contiguousParts(of items: [Int], parts: Int) -> [[Int]] {
        let base = items.count / parts, extra = items.count % parts
        var start = 0
        return (0..<parts).map { part in
            let length = base + (part < extra ? 1 : 0)
            defer { start += length }
            return Array(items[start..<(start + length)])
        }
    }
}
