import Learning

/// Krum and Multi-Krum (Blanchard et al. 2017): each delta is scored by the sum of its
/// squared distances to its n − f − 2 nearest other deltas (at least 1), where f is the
/// number of Byzantine updates to tolerate; Krum moves the model by the best-scored
/// delta, Multi-Krum by the plain mean of the m best-scored ones.
public struct Krum: Strategy {
    /// f, the Byzantine updates tolerated per round.
    public var byzantine: Int
    /// m, the deltas averaged: 1 for Krum, nil for Multi-Krum's default n − f.
    public var selected: Int?

    public init(byzantine: Int, selected: Int? = 1) {
        self.byzantine = byzantine
        self.selected = selected
    }

    /// `krum` when one delta is selected, `multi-krum` otherwise.
    public var name: String { selected == 1 ? "krum" : "multi-krum" }

    public func aggregate(global: [Tensor], updates: [ClientUpdate]) -> [Tensor] {
        let vectors = updates.map { DeltaVector.flatten($0.delta) }
        let chosen = Self.ranking(vectors, byzantine: byzantine)
            .prefix(max(1, selected ?? (vectors.count - byzantine)))
        return DeltaVector.apply(DeltaVector.mean(chosen.map { vectors[$0] }), to: global)
    }

    /// Indices of `vectors` from the best (lowest) Krum score to the worst; ties by index.
    static func ranking(_ vectors: [[Float]], byzantine: Int) -> [Int] {
        let count = vectors.count
        var distances = [[Float]](repeating: [Float](repeating: 0, count: count), count: count)
        for i in 0..<count {
            for j in (i + 1)..<count {
                let distance = DeltaVector.squaredDistance(vectors[i], vectors[j])
                distances[i][j] = distance
                distances[j][i] = distance
            }
        }
        let neighbours = max(1, count - byzantine - 2)
        let scores = (0..<count).map { i in
            (0..<count).filter { $0 != i }.map { distances[i][$0] }.sorted().prefix(neighbours).reduce(0, +)
        }
        return (0..<count).sorted { (scores[$0], $0) < (scores[$1], $1) }
    }
}
