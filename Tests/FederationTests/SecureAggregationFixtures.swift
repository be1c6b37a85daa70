import Learning

@testable import Federation

/// Rounds, inputs and plain sums shared by the secure-aggregation tests.
enum SecureAggregationFixtures {
    /// A round of `count` clients with scattered ids, so that ids are never indices.
    static func config(
        clients count: Int, neighbours: Int? = nil, threshold: Int, length: Int = 64, graphSeed: UInt64 = 5
    ) -> SecAggConfig {
        SecAggConfig(
            round: 3, participants: (0..<count).map { 10 + 7 * $0 }, neighbours: neighbours ?? count - 1,
            threshold: threshold, graphSeed: graphSeed, clippingRange: 1, vectorLength: length, stageTimeout: 5, inputTimeout: 30)
    }

    /// Random inputs in [−1.2, 1.2] (some clipped), quantised, per client.
    static func quantisedInputs(_ config: SecAggConfig, seed: UInt64) -> [Int: [UInt32]] {
        var generator = SeededGenerator(seed: seed)
        let quantizer = SecAggQuantizer(config: config)
        return Dictionary(uniqueKeysWithValues: config.participants.map { id in
            let values = (0..<config.vectorLength).map { _ in Float.random(in: -1.2...1.2, using: &generator) }
            return (id, quantizer.quantize(values, using: &generator))
        })
    }

    /// Σ inputs of `clients` modulo 2^32.
    static func plainSum(_ inputs: [Int: [UInt32]], of clients: [Int]) -> [UInt32] {
        clients.reduce(into: [UInt32](repeating: 0, count: inputs.first!.value.count)) { sum, id in
            for index in sum.indices { sum[index] &+= inputs[id]![index] }
        }
    }

    /// Runs a round in memory and returns its outcome.
    static func run(
        _ config: SecAggConfig, inputs: [Int: [UInt32]], dropouts: [Int: SecAggServer.Stage] = [:], seed: UInt64 = 1
    ) throws -> SecAggServerDirective {
        try SecAggLocalRound.run(config: config, dropouts: dropouts, seed: seed, now: .now) { inputs[$0]! }
    }
}
