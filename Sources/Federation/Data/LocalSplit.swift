import Learning

/// How a node shares its own data (`fedz-node --data`) among the clients it hosts: divided among
/// them by the plan's partition, as the built-in data sets are divided among all clients, and
/// each client holding a share of its samples out, drawn at random, for federated evaluation and
/// field accuracy, never trained on.
public enum LocalSplit {
    /// `data` split for `clients` (their global ids), each holding `holdout` of its samples out
    /// (rounded, at least one when `holdout` > 0 and the client has two or more). Seeded: the
    /// same data and seed give the same split.
    public static func split(
        _ data: LabeledData, clients: [Int], partition: DataPlan.Partition, holdout: Double, seed: UInt64
    ) throws(PlanError) -> ClientStore {
        guard (0..<1).contains(holdout) else { throw PlanError("the held-out share must be in [0, 1), not \(holdout)") }
        guard let highest = clients.max() else { throw PlanError("a node must host at least one client") }
        guard data.count >= clients.count * (holdout > 0 ? 2 : 1) else {
            throw PlanError("\(data.count) samples cannot be shared among \(clients.count) clients" + (holdout > 0 ? ", each holding some out" : ""))
        }
        let sorted = clients.sorted()
        let shares = try DataPlan(clients: sorted.count, partition: partition, seed: seed)
            .clientIndices(labels: data.sampleLabels, groups: nil)
        var generator = SeededGenerator(seed: seed ^ 0x4E4F_4445_4441_5441)
        var (training, heldOut) = ([[Int]](repeating: [], count: highest + 1), [Int: [Int]]())
        for (position, client) in sorted.enumerated() {
            let rows = shares[position].shuffled(using: &generator)
            let count = holdout > 0 && rows.count >= 2 ? min(rows.count - 1, max(1, Int((Double(rows.count) * holdout).rounded()))) : 0
            heldOut[client] = Array(rows[..<count]).sorted()
            training[client] = Array(rows[count...]).sorted()
        }
        return ClientStore(clients: sorted, indices: training, of: data).holdingOut(heldOut, of: data)
    }
}
