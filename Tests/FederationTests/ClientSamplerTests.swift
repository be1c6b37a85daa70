import Learning
import Testing

@testable import Federation

@Suite struct ClientSamplerTests {
    let clients = Dictionary(uniqueKeysWithValues: (0..<100).map { ($0, "node-\($0 % 4)") })

    @Test(arguments: [(100, 0.1, 10), (100, 0.001, 1), (7, 1.0, 7), (0, 0.5, 0), (15, 0.1, 2)])
    func sampleSizeIsMaxOfCKAndOne(available: Int, fraction: Double, expected: Int) {
        #expect(ClientSampler.sampleSize(available: available, fraction: fraction) == expected)
    }

    @Test(arguments: [(3, 0.1, 2, 2), (100, 0.1, 3, 10), (1, 0.1, 2, 1), (30, 0.1, 5, 5)])
    func sampleSizeMeetsTheRoundsMinimumWhereItCan(available: Int, fraction: Double, minimum: Int, expected: Int) {
        #expect(ClientSampler.sampleSize(available: available, fraction: fraction, minimum: minimum) == expected)
    }

    @Test func samplesDistinctClientsOnTheirOwnNodes() {
        var generator = SeededGenerator(seed: 3)
        let assignments = ClientSampler.sample(clients: clients, fraction: 0.1, using: &generator)
        let sampled = assignments.values.flatMap { $0 }
        #expect(sampled.count == 10)
        #expect(Set(sampled).count == 10)
        for (node, ids) in assignments {
            for id in ids { #expect(clients[id] == node) }
        }
    }

    @Test func sameSeedSameSampleDifferentSeedDifferent() {
        var a = SeededGenerator(seed: 5)
        var b = SeededGenerator(seed: 5)
        var c = SeededGenerator(seed: 6)
        let first = ClientSampler.sample(clients: clients, fraction: 0.2, using: &a)
        #expect(first == ClientSampler.sample(clients: clients, fraction: 0.2, using: &b))
        #expect(first != ClientSampler.sample(clients: clients, fraction: 0.2, using: &c))
    }

    @Test func everyClientIsSampledEventually() {
        var generator = SeededGenerator(seed: 9)
        var seen: Set<Int> = []
        for _ in 0..<200 {
            seen.formUnion(ClientSampler.sample(clients: clients, fraction: 0.1, using: &generator).values.flatMap { $0 })
        }
        #expect(seen.count == 100)
    }

    @Test func sparseSamplingDrawsWhatAFullShuffleOfTheSortedIdsDraws() {
        // The reference: partial Fisher–Yates over a materialised, sorted pool.
        var reference = SeededGenerator(seed: 11)
        var pool = clients.keys.sorted()
        for position in 0..<25 { pool.swapAt(position, Int.random(in: position..<pool.count, using: &reference)) }
        let expected = Dictionary(grouping: pool.prefix(25)) { clients[$0]! }.mapValues { $0.sorted() }

        var generator = SeededGenerator(seed: 11)
        let directory = ClientDirectory(nodes: Dictionary(grouping: clients.keys) { clients[$0]! })
        #expect(ClientSampler.sample(directory, fraction: 0.25, using: &generator) == expected)
    }

    @Test func aDirectoryListsEveryClientOnceInIdOrder() {
        let directory = ClientDirectory(nodes: ["a": [5, 1], "b": [3]])
        #expect(directory.entries.map(\.client) == [1, 3, 5])
        #expect(directory.entries.map(\.node) == ["a", "b", "a"])
    }
}
