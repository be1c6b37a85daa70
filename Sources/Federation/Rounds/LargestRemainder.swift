import Learning

/// Apportionment by the largest-remainder (Hamilton) method: splits a whole number among
/// groups in proportion to their sizes.
public enum LargestRemainder {
    /// Shares of `total` for groups of `sizes`, in the same order: group i gets
    /// ⌊total·sizeᵢ/Σsizes⌋, and the units left over go one each to the groups with the largest
    /// remainders, ties broken by `generator`. The shares sum to `total`, each is within 1 of
    /// its exact proportion and none exceeds its group's size. Needs 0 ≤ total ≤ Σsizes; all
    /// zeros when every size is 0. Costs O(groups · log groups).
    public static func shares(of total: Int, among sizes: [Int], using generator: inout SeededGenerator) -> [Int] {
        let sum = sizes.reduce(0, +)
        precondition(sizes.allSatisfy { $0 >= 0 } && (0...max(sum, 0)).contains(total), "need 0 ≤ total ≤ Σsizes")
        guard sum > 0 else { return sizes.map { _ in 0 } }
        var shares = sizes.map { total * $0 / sum }
        let remainders = sizes.map { total * $0 % sum }
        let tieBreaks = sizes.map { _ in generator.next() }
        let order = sizes.indices.sorted { (remainders[$0], tieBreaks[$0]) > (remainders[$1], tieBreaks[$1]) }
        for group in order.prefix(total - shares.reduce(0, +)) { shares[group] += 1 }
        return shares
    }
}
