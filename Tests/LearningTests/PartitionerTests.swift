@testable import Learning
import Testing

extension LearningTests {
    @Suite struct PartitionerTests {
        @Test func iidCoversEveryIndexOnceInBalancedParts() {
            let parts = Partitioner.iid(count: 1003, clients: 10, seed: 9)
            #expect(parts.count == 10)
            #expect(parts.flatMap { $0 }.sorted() == Array(0..<1003))
            #expect(parts.map(\.count) == [101, 101, 101, 100, 100, 100, 100, 100, 100, 100])
            #expect(Partitioner.iid(count: 1003, clients: 10, seed: 9) == parts)
            #expect(Partitioner.iid(count: 1003, clients: 10, seed: 10) != parts)
            #expect(parts[0] != Array(0..<101))
        }

        @Test func shardsOfMNISTAreThePathologicalSplit() throws {
            let labels = try Fixtures.train().labels
            let parts = Partitioner.shards(labels: labels, clients: 100, shardsPerClient: 2, seed: 1)
            #expect(parts.count == 100)
            #expect(parts.allSatisfy { $0.count == 600 })
            #expect(parts.flatMap { $0 }.sorted() == Array(0..<60_000))
            // Shards of 300 respect label runs except the 9 that straddle a boundary between
            // digits; only clients holding one of those can see more than two labels.
            let labelCounts = parts.map { Set($0.map { labels[$0] }).count }
            #expect(labelCounts.allSatisfy { $0 <= 4 })
            #expect(labelCounts.filter { $0 > 2 }.count <= 9)
            #expect(labelCounts.filter { $0 <= 2 }.count >= 91)
            #expect(Partitioner.shards(labels: labels, clients: 100, shardsPerClient: 2, seed: 1) == parts)
            #expect(Partitioner.shards(labels: labels, clients: 100, shardsPerClient: 2, seed: 2) != parts)
        }

        @Test func shardsOfLabelAlignedDataHaveAtMostTwoLabels() {
            // 10 labels × 60 samples, shards of 30: no shard straddles a label boundary.
            let labels = (0..<600).map { Int32($0 % 10) }
            let parts = Partitioner.shards(labels: labels, clients: 10, shardsPerClient: 2, seed: 4)
            #expect(parts.flatMap { $0 }.sorted() == Array(0..<600))
            #expect(parts.allSatisfy { Set($0.map { labels[$0] }).count <= 2 })
        }
    }
}
