import Learning

/// The SecAgg+ communication graph (Bell et al. 2020): the participants placed on a
/// ring in an order drawn from the public graph seed, each linked to the
/// `degree / 2` nearest on either side — a random Harary graph, `degree`-regular.
/// The graph is public, so a seeded non-cryptographic shuffle is fine here.
public struct NeighbourGraph: Sendable, Equatable {
    /// Neighbours per participant.
    public let degree: Int
    private let neighbourhoods: [Int: Set<Int>]

    public init(config: SecAggConfig) {
        let n = config.participants.count
        let even = config.neighbours + config.neighbours % 2
        degree = min(max(even, 0), max(n - 1, 0))
        var ring = config.participants.sorted()
        var generator = SeededGenerator(seed: config.graphSeed)
        ring.shuffle(using: &generator)
        var neighbourhoods: [Int: Set<Int>] = [:]
        for (position, client) in ring.enumerated() {
            let offsets = degree == n - 1 ? Array(0..<n) : Array(-(degree / 2)...(degree / 2))
            neighbourhoods[client] = Set(offsets.map { ring[((position + $0) % n + n) % n] })
        }
        self.neighbourhoods = neighbourhoods
    }

    /// Clients in a neighbourhood: a participant and its neighbours.
    public var neighbourhoodSize: Int { degree + 1 }

    /// The participant and its neighbours (empty for a non-participant).
    public func neighbourhood(of client: Int) -> Set<Int> { neighbourhoods[client] ?? [] }

    /// Whether `a` and `b` are distinct neighbours.
    public func areNeighbours(_ a: Int, _ b: Int) -> Bool { a != b && neighbourhood(of: a).contains(b) }
}
