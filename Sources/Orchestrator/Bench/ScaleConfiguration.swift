import Federation

/// One point of `fedz bench scale`: K registered clients over N node processes, M sampled per round.
struct ScaleConfiguration: Codable, Sendable, Equatable, CustomStringConvertible {
    var clients: Int
    var nodes: Int
    var perRound: Int

    /// Parses `KxNxM`, e.g. `10000x100x100`; needs K ≥ N > 0 and K ≥ M > 0.
    init(_ text: String) throws(PlanError) {
        let numbers = text.split(separator: "x").map { Int($0) }
        guard numbers.count == 3, let clients = numbers[0], let nodes = numbers[1], let perRound = numbers[2],
              nodes > 0, perRound > 0, clients >= nodes, clients >= perRound
        else { throw PlanError("'\(text)' is not CLIENTSxNODESxPER_ROUND with CLIENTS ≥ NODES > 0 and CLIENTS ≥ PER_ROUND > 0") }
        self.init(clients: clients, nodes: nodes, perRound: perRound)
    }

    init(clients: Int, nodes: Int, perRound: Int) {
        self.clients = clients
        self.nodes = nodes
        self.perRound = perRound
    }

    var description: String { "\(clients)x\(nodes)x\(perRound)" }

    /// The round fraction C that samples exactly `perRound` clients.
    var fraction: Double { Double(perRound) / Double(clients) }

    enum CodingKeys: String, CodingKey {
        case clients, nodes
        case perRound = "per_round"
    }
}

/// The round phases of one configuration, averaged over its measured rounds, and the
/// coordinator's overhead: everything but the nodes' training, as a fraction of round time.
struct ScalePhases: Codable, Sendable, Equatable {
    var rounds: Int
    var seconds: Double
    var broadcast: Double
    var training: Double
    var collection: Double
    var aggregation: Double
    var recording: Double
    /// The coordinator's work on updates during collection.
    var handling: Double
    /// Evaluating the new version, while the next round trains.
    var evaluation: Double
    /// (broadcast + aggregation + recording) / round time: the share of the round in which no node trains.
    var overheadFraction: Double
    /// (broadcast + aggregation + recording + handling) / round time: also counting the
    /// coordinator's work on updates that overlaps the nodes' training.
    var workFraction: Double

    /// The mean over `results` that carry phases; nil if none does.
    init?(_ results: [RoundResult]) {
        let phases = results.compactMap(\.phases)
        guard !phases.isEmpty else { return nil }
        func mean(_ value: (RoundPhaseSeconds) -> Double) -> Double { phases.reduce(0) { $0 + value($1) } / Double(phases.count) }
        rounds = phases.count
        seconds = mean(\.total)
        broadcast = mean(\.broadcast)
        training = mean(\.training)
        collection = mean(\.collection)
        aggregation = mean(\.aggregation)
        recording = mean(\.recording)
        handling = mean(\.handling)
        evaluation = mean(\.evaluation)
        overheadFraction = seconds > 0 ? mean(\.coordinatorSeconds) / seconds : 0
        workFraction = seconds > 0 ? mean(\.coordinatorWorkSeconds) / seconds : 0
    }

    enum CodingKeys: String, CodingKey {
        case rounds, seconds, broadcast, training, collection, aggregation, recording, handling, evaluation
        case overheadFraction = "coordinator_overhead_fraction"
        case workFraction = "coordinator_work_fraction"
    }
}
