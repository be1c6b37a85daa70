import Learning
import Testing

@testable import Federation

@Suite struct SecureFedAvgTests {
    typealias Fixtures = SecureAggregationFixtures
    static let shapes = [[3, 4], [5]]

    static func updates(samples: [Int], seed: UInt64) -> [ClientUpdate] {
        var generator = SeededGenerator(seed: seed)
        return samples.enumerated().map { index, count in
            ClientUpdate(client: 10 + 7 * index, node: "n", samples: count, trainLoss: 0, delta: shapes.map { shape in
                Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -0.5...0.5, using: &generator) })
            })
        }
    }

    static let global = shapes.map { Tensor(shape: $0, values: (0..<$0.reduce(1, *)).map { Float($0) / 10 }) }

    /// Runs the round in memory with each client's input as `SecureFedAvg` makes it.
    static func secureAggregate(
        _ aggregation: SecureFedAvg, _ updates: [ClientUpdate], dropouts: [Int: SecAggServer.Stage] = [:]
    ) throws -> [Tensor]? {
        var random = CryptoRandom(seed: [UInt8](repeating: 9, count: 32))
        let inputs = Dictionary(uniqueKeysWithValues: updates.map {
            ($0.client, aggregation.input(delta: $0.delta, samples: $0.samples, using: &random))
        })
        guard case .finished(let sum) = try Fixtures.run(aggregation.config, inputs: inputs, dropouts: dropouts) else { return nil }
        return aggregation.aggregate(global: global, sum: sum, using: &random)
    }

    static func config(_ updates: [ClientUpdate]) -> SecAggConfig {
        Fixtures.config(clients: updates.count, threshold: 3, length: shapes.reduce(1) { $0 + $1.reduce(1, *) })
    }

    static func worstError(_ a: [Tensor], _ b: [Tensor]) -> Double {
        zip(a.flatMap(\.values), b.flatMap(\.values)).map { Double(abs($0 - $1)) }.max()!
    }

    @Test func equalsFedAvgWithinTheQuantisationError() throws {
        let samples = [120, 40, 300, 75, 60]
        let updates = Self.updates(samples: samples, seed: 4)
        let aggregation = SecureFedAvg(config: Self.config(updates), sampleTotal: samples.reduce(0, +), privacy: nil)
        let secure = try #require(try Self.secureAggregate(aggregation, updates))
        // Quantisation moves each coordinate of the sum by at most n steps; float rounding of global + step adds ~1e-7.
        let bound = 2 * Double(samples.count) * SecAggQuantizer(config: aggregation.config).step + 1e-6
        #expect(Self.worstError(secure, FedAvg().aggregate(global: Self.global, updates: updates)) <= bound)
    }

    @Test func dropoutsReweightOverTheClientsThatMadeIt() throws {
        let samples = [120, 40, 300, 75, 60]
        let updates = Self.updates(samples: samples, seed: 5)
        let aggregation = SecureFedAvg(config: Self.config(updates), sampleTotal: samples.reduce(0, +), privacy: nil)
        let gone = updates[2].client
        let secure = try #require(try Self.secureAggregate(aggregation, updates, dropouts: [gone: .maskedInput]))
        let plain = FedAvg().aggregate(global: Self.global, updates: updates.filter { $0.client != gone })
        #expect(Self.worstError(secure, plain) <= 1e-5)
    }

    @Test func privateInputsAreClippedAndTheSumNoisedAroundTheClippedMean() throws {
        let updates = Self.updates(samples: [10, 20, 30, 40], seed: 6)
        let exact = DifferentialPrivacy(clippingNorm: 0.5, noiseMultiplier: 1e-9)
        let aggregation = SecureFedAvg(config: Self.config(updates), sampleTotal: 0, privacy: exact)
        let secure = try #require(try Self.secureAggregate(aggregation, updates))
        var random = SeededGenerator(seed: 1)
        let clipped = updates.map { update in
            ClientUpdate(client: update.client, node: "n", samples: 1, trainLoss: 0, delta: exact.privatize(delta: update.delta, using: &random))
        }
        #expect(clipped.allSatisfy { L2Clipping.norm($0.delta.flatMap(\.values)) <= 0.5 + 1e-6 })
        #expect(Self.worstError(secure, FedAvg().aggregate(global: Self.global, updates: clipped)) <= 1e-5)

        let noisy = SecureFedAvg(config: aggregation.config, sampleTotal: 0, privacy: DifferentialPrivacy(clippingNorm: 0.5, noiseMultiplier: 4))
        let noised = try #require(try Self.secureAggregate(noisy, updates))
        #expect(Self.worstError(noised, secure) > 0.1, "σ·C / n = 0.5 per coordinate")
    }

    @Test func aRoundStartWithoutSecureAggregationOrItsWeightsGivesNone() {
        var start = RoundStart(
            round: 1, modelVersion: 0, modelHash: "", assignments: [:], training: TrainingConfig(epochs: 1, batchSize: 1, learningRate: 1, seed: 1),
            deadlineSeconds: 1)
        #expect(SecureFedAvg(start) == nil)
        start.secureAggregation = Fixtures.config(clients: 3, threshold: 2)
        #expect(SecureFedAvg(start) == nil, "no sample total and no privacy")
        start.sampleTotal = 30
        #expect(SecureFedAvg(start)?.sampleTotal == 30)
    }
}
