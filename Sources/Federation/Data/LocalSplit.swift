import Learning

/// How a node shares its own data (`fedz-node --data`) among the clients it hosts: a held-out
/// share, drawn at random, kept for evaluation and never trained on; the rest divided among the
/// hosted clients by the plan's partition, as the built-in data sets are divided among all clients.
public enum LocalSplit {
    /// `data` split for `clients` (their global ids): the store of their training samples and the
    /// held-out samples, `holdout` of them (rounded, at least one when `holdout` > 0). Seeded: the
    /// same data and seed give the same split.
    public static func split(
        _ data: LabeledData, clients: [Int], partition: DataPlan.Partition, holdout: Double, seed: UInt64
    ) throws(PlanError) -> ClientStore {
        guard (0..<1).contains(holdout) else { throw PlanError("the held-out share must be in [0, 1), not \(holdout)") }
        guard let highest = clients.max(), !clients.isEmpty else { throw PlanError("a node must host at least one client") }
        var generator = SeededGenerator(seed: seed ^ 0x4E4F_4445_4441_5441)
        var order = Array(0..<data.count)
        order.shuffle(using: &generator)
        let heldOutCount = holdout > 0 ? max(1, Int((Double(data.count) * holdout).rounded())) : 0
        let training = Array(order[heldOutCount...]).sorted()
        guard training.count >= clients.count else {
            throw PlanError("\(data.count) samples (\(heldOutCount) held out) cannot be shared among \(clients.count) clients")
        }
        let sorted = clients.sorted()
        let local = try DataPlan(clients: sorted.count, partition: partition, seed: seed)
            .clientIndices(labels: data.subset(training).sampleLabels, groups: nil)
        var indices = [[Int]](repeating: [], count: highest + 1)
        for (position, client) in sorted.enumerated() { indices[client] = local[position].map { training[$0] } }
        var store = ClientStore(clients: sorted, indices: indices, of: data)
        store.heldOut = heldOutCount > 0 ? data.subset(Array(order[..<heldOutCount]).sorted()) : nil
        return store
    }
}
