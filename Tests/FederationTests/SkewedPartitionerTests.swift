import Learning
import Testing

@testable import Federation

@Suite struct SkewedPartitionerTests {
    /// 2000 samples, 10 labels of 200 each.
    private let labels = (0..<2000).map { Int32($0 % 10) }

    @Test func dirichletCoversEverySampleOnceAndIsSeeded() {
        let parts = SkewedPartitioner.dirichlet(labels: labels, clients: 20, alpha: 0.3, seed: 5)
        #expect(parts.count == 20)
        #expect(parts.flatMap { $0 }.sorted() == Array(0..<2000))
        #expect(parts.allSatisfy { !$0.isEmpty })
        #expect(parts == SkewedPartitioner.dirichlet(labels: labels, clients: 20, alpha: 0.3, seed: 5))
        #expect(parts != SkewedPartitioner.dirichlet(labels: labels, clients: 20, alpha: 0.3, seed: 6))
    }

    @Test func smallAlphaConcentratesLabelsAndLargeAlphaSpreadsThem() {
        func meanLabelsPerClient(_ alpha: Double) -> Double {
            let parts = SkewedPartitioner.dirichlet(labels: labels, clients: 20, alpha: alpha, seed: 1)
            // Labels holding at least 5 % of a client's samples.
            let counts = parts.map { part in
                Dictionary(grouping: part, by: { labels[$0] }).values.filter { $0.count * 20 >= part.count }.count
            }
            return Double(counts.reduce(0, +)) / Double(counts.count)
        }
        let skewed = meanLabelsPerClient(0.1), spread = meanLabelsPerClient(100)
        #expect(skewed < 4)
        #expect(spread > 9)
    }

    @Test func quantitySkewVariesSizesButNotLabelMix() {
        let parts = SkewedPartitioner.quantity(count: 2000, clients: 10, beta: 0.5, seed: 2)
        #expect(parts.flatMap { $0 }.sorted() == Array(0..<2000))
        let sizes = parts.map(\.count)
        #expect(sizes.max()! > 3 * sizes.min()!)
        #expect(parts.allSatisfy { !$0.isEmpty })
    }

    @Test func countsFollowProportionsByLargestRemainder() {
        // 10 × [0.55, 0.3, 0.15] = [5.5, 3, 1.5]: floors [5, 3, 1], one left → the first 0.5 remainder.
        #expect(SkewedPartitioner.counts([0.55, 0.3, 0.15], total: 10) == [6, 3, 1])
        #expect(SkewedPartitioner.counts([0.5, 0.5], total: 3).reduce(0, +) == 3)
    }

    @Test func emptyClientsGetASampleFromTheLargest() {
        // α tiny: almost all of a label goes to one client, so most clients would be empty.
        let parts = SkewedPartitioner.dirichlet(labels: Array(labels.prefix(30)), clients: 12, alpha: 0.001, seed: 3)
        #expect(parts.allSatisfy { !$0.isEmpty })
        #expect(parts.flatMap { $0 }.sorted() == Array(0..<30))
    }
}
