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

@Suite struct StratifiedSamplingTests {
    /// Nodes of 10, 20, 30 and 40 clients (ids by node): n·Kᵢ/K is 1.5, 3, 4.5 and 6 for n = 15.
    static let unequal = ClientDirectory(nodes: [
        "a": Array(0..<10), "b": Array(10..<30), "c": Array(30..<60), "d": Array(60..<100),
    ])

    func shares(_ assignments: [String: [Int]]) -> [String: Int] { assignments.mapValues(\.count) }

    @Test(arguments: [0.05, 0.1, 0.15, 0.37, 0.5, 1.0])
    func sharesSumToTheSampleSizeEachWithinOneOfItsProportion(fraction: Double) {
        var generator = SeededGenerator(seed: 4)
        let directory = Self.unequal
        let n = ClientSampler.sampleSize(available: directory.count, fraction: fraction)
        for _ in 0..<50 {
            let assignments = ClientSampler.sample(directory, fraction: fraction, mode: .stratified, using: &generator)
            #expect(assignments.values.reduce(0) { $0 + $1.count } == n)
            for (node, clients) in directory.nodes {
                let exact = Double(n * clients.count) / Double(directory.count)
                let share = assignments[node]?.count ?? 0
                #expect(Double(share) >= exact.rounded(.down) && Double(share) <= exact.rounded(.up), "\(node): \(share) of \(exact)")
                let sampled = assignments[node] ?? []
                #expect(Set(sampled).count == sampled.count && Set(sampled).isSubset(of: clients) && sampled == sampled.sorted())
            }
        }
    }

    @Test func equalNodesEachGiveTheSameShareEveryRound() {
        var generator = SeededGenerator(seed: 8)
        let directory = ClientDirectory(nodes: Dictionary(uniqueKeysWithValues: (0..<5).map { node in
            ("node-\(node)", Array(node * 20..<(node + 1) * 20))
        }))
        for _ in 0..<100 {
            let assignments = ClientSampler.sample(directory, fraction: 0.1, mode: .stratified, using: &generator)
            #expect(shares(assignments) == ["node-0": 2, "node-1": 2, "node-2": 2, "node-3": 2, "node-4": 2])
        }
    }

    @Test func sameSeedSameSampleDifferentSeedDifferent() {
        var a = SeededGenerator(seed: 5)
        var b = SeededGenerator(seed: 5)
        var c = SeededGenerator(seed: 6)
        let first = ClientSampler.sample(Self.unequal, fraction: 0.15, mode: .stratified, using: &a)
        #expect(first == ClientSampler.sample(Self.unequal, fraction: 0.15, mode: .stratified, using: &b))
        #expect(first != ClientSampler.sample(Self.unequal, fraction: 0.15, mode: .stratified, using: &c))
    }

    /// Over many rounds every client is sampled with frequency n/K = 0.15 (σ ≈ 0.0018 for
    /// 40 000 rounds). Giving the tied remainder (a and c) always to the same node would put
    /// a's clients at 0.2 or 0.1 and c's at 0.167 or 0.133; taking a node's first clients
    /// instead of a uniform draw would put some at 1 and others at 0.
    @Test func everyClientIsIncludedWithFrequencyNearNOverK() {
        var generator = SeededGenerator(seed: 21)
        let rounds = 40_000
        var included = [Int](repeating: 0, count: 100)
        for _ in 0..<rounds {
            for client in ClientSampler.sample(Self.unequal, fraction: 0.15, mode: .stratified, using: &generator).values.joined() {
                included[client] += 1
            }
        }
        let worst = included.map { abs(Double($0) / Double(rounds) - 0.15) }.max()!
        #expect(worst < 0.01, "largest deviation from 0.15: \(worst)")
    }

    /// With n·Kᵢ/K all 2.5, two of the four nodes get 3 and two get 2, each node equally often.
    @Test func tiedRemaindersGoToEachNodeEquallyOften() {
        var generator = SeededGenerator(seed: 2)
        let directory = ClientDirectory(nodes: Dictionary(uniqueKeysWithValues: (0..<4).map { node in
            ("node-\(node)", Array(node * 25..<(node + 1) * 25))
        }))
        var extra: [String: Int] = [:]
        let rounds = 4_000
        for _ in 0..<rounds {
            let counts = shares(ClientSampler.sample(directory, fraction: 0.1, mode: .stratified, using: &generator))
            #expect(counts.values.sorted() == [2, 2, 3, 3])
            for (node, count) in counts where count == 3 { extra[node, default: 0] += 1 }
        }
        for node in directory.nodes.map(\.node) {
            #expect(abs(Double(extra[node] ?? 0) / Double(rounds) - 0.5) < 0.04, "\(node): \(extra[node] ?? 0)")
        }
    }

    @Test func aNodeSmallerThanItsRoundingNeverGivesMoreThanItHas() {
        var generator = SeededGenerator(seed: 3)
        let directory = ClientDirectory(nodes: ["tiny": [0], "big": Array(1..<100)])
        for _ in 0..<200 {
            let assignments = ClientSampler.sample(directory, fraction: 0.5, mode: .stratified, using: &generator)
            #expect((assignments["tiny"] ?? []).count <= 1)
            #expect(assignments.values.reduce(0) { $0 + $1.count } == 50)
        }
        #expect(shares(ClientSampler.sample(directory, fraction: 1.0, mode: .stratified, using: &generator)) == ["tiny": 1, "big": 99])
    }

    /// What the privacy accountant charges: n/K uniformly (more than C when rounding or a minimum
    /// raises n), and stratified the largest ⌈n·Kᵢ/K⌉/Kᵢ, which no client's frequency exceeds.
    @Test func theLargestInclusionProbabilityBoundsEveryClientsFrequency() {
        let directory = Self.unequal
        #expect(ClientSampler.largestInclusionProbability(directory, fraction: 0.15) == 0.15)
        #expect(ClientSampler.largestInclusionProbability(ClientDirectory(nodes: ["a": Array(0..<15)]), fraction: 0.1)
            == 2.0 / 15, "round(1.5) = 2 of 15")
        #expect(ClientSampler.largestInclusionProbability(directory, fraction: 0.01, minimum: 5) == 0.05)
        // n = 15: ⌈1.5⌉/10, 3/20, ⌈4.5⌉/30, 6/40.
        #expect(ClientSampler.largestInclusionProbability(directory, fraction: 0.15, mode: .stratified) == 0.2)
        #expect(ClientSampler.largestInclusionProbability(ClientDirectory([:]), fraction: 0.5, mode: .stratified) == 0)
        // Nodes of 7, 13 and 20 with n = 10: shares 1.75, 3.25, 5 become 2, 3, 5 every round, so the
        // first node's clients are in 2/7 of the rounds, more than n/K = 0.25; the bound is ⌈3.25⌉/13.
        let skewed = ClientDirectory(nodes: ["a": Array(0..<7), "b": Array(7..<20), "c": Array(20..<40)])
        let bound = ClientSampler.largestInclusionProbability(skewed, fraction: 0.25, mode: .stratified)
        #expect(bound == 4.0 / 13)
        var generator = SeededGenerator(seed: 11)
        var counts = [Int](repeating: 0, count: 40)
        let draws = 20_000
        for _ in 0..<draws {
            for ids in ClientSampler.sample(skewed, fraction: 0.25, mode: .stratified, using: &generator).values {
                for id in ids { counts[id] += 1 }
            }
        }
        let largest = Double(counts.max()!) / Double(draws)
        #expect(largest <= bound)
        #expect(abs(largest - 2.0 / 7) < 0.015)
    }

    @Test func oneNodeIsAUniformDrawFromItsClients() {
        var generator = SeededGenerator(seed: 7)
        let directory = ClientDirectory(nodes: ["only": Array(0..<30)])
        var seen: Set<Int> = []
        for _ in 0..<100 {
            let assignments = ClientSampler.sample(directory, fraction: 0.1, mode: .stratified, using: &generator)
            #expect(Array(assignments.keys) == ["only"] && assignments["only"]!.count == 3)
            seen.formUnion(assignments["only"]!)
        }
        #expect(seen.count == 30)
    }

    @Test func uniformIsTheDefaultAndDrawsAsBefore() {
        var implicit = SeededGenerator(seed: 11)
        var explicit = SeededGenerator(seed: 11)
        #expect(ClientSampler.sample(Self.unequal, fraction: 0.25, using: &implicit)
            == ClientSampler.sample(Self.unequal, fraction: 0.25, mode: .uniform, using: &explicit))
        #expect(SamplingMode(rawValue: "uniform") == .uniform && SamplingMode(rawValue: "stratified") == .stratified)
    }

    @Test func aDirectoryIndexesEachNodesClientsInIdOrder() {
        let directory = ClientDirectory(nodes: ["b": [7, 2], "a": [5, 1]])
        #expect(directory.nodes.map(\.node) == ["a", "b"])
        #expect(directory.nodes.map(\.clients) == [[1, 5], [2, 7]])
    }
}

@Suite struct LargestRemainderTests {
    @Test func sharesFollowTheLargestRemainders() {
        var generator = SeededGenerator(seed: 1)
        // 10·(7, 13, 20)/40 = 1.75, 3.25, 5: floors 1, 3, 5 and the one left over to the 0.75.
        #expect(LargestRemainder.shares(of: 10, among: [7, 13, 20], using: &generator) == [2, 3, 5])
        #expect(LargestRemainder.shares(of: 0, among: [3, 4], using: &generator) == [0, 0])
        #expect(LargestRemainder.shares(of: 7, among: [3, 0, 4], using: &generator) == [3, 0, 4])
        #expect(LargestRemainder.shares(of: 0, among: [0, 0], using: &generator) == [0, 0])
    }
}
