import Foundation
import Learning
import Testing

@testable import Federation

/// Server state export and restore: a strategy stopped after k rounds, its state through
/// JSON and into a fresh strategy, ends where the uninterrupted one does.
@Suite struct StrategyStateTests {
    private static let start = [
        Tensor(shape: [3, 2], values: [0.5, -0.25, 1, 0, -1, 0.75]),
        Tensor(shape: [4], values: [0.1, 0.2, -0.3, 0.4]),
    ]
    private static let rounds = 12
    private static let stopAfter = 5

    /// The stateful strategies, as `--strategy` names them, with a larger η than the
    /// defaults so that momentum and moments matter within a dozen rounds.
    static let stateful = ["fedavgm", "fedadam", "fedyogi", "fedadagrad"]

    private static func make(_ name: String, clipped: Bool = false) throws -> any Strategy {
        var spec = StrategySpec(name: name)
        spec.serverLearningRate = name == "fedavgm" ? 0.8 : 0.05
        if clipped { spec.clipNorm = .fixed(0.5) }
        return try spec.make()
    }

    /// Round `round`'s updates from three clients: each pulls the global weights towards a
    /// target of its own, with a round-dependent wobble, as local training would.
    private static func updates(round: Int, global: [Tensor]) -> [ClientUpdate] {
        (0..<3).map { client in
            let deltas = global.enumerated().map { tensorIndex, tensor in
                Tensor(shape: tensor.shape, values: tensor.values.enumerated().map { index, value in
                    let target = Float(client - 1) + 0.1 * Float(index + tensorIndex)
                    let wobble = 0.05 * Float(((round * 7 + client * 3 + index) % 5) - 2)
                    return 0.3 * (target - value) + wobble
                })
            }
            return ClientUpdate(client: client, node: "node-\(client)", samples: 10 + 5 * client, trainLoss: 0, delta: deltas)
        }
    }

    private static func run(_ strategy: inout any Strategy, from global: [Tensor], rounds: Range<Int>) -> [Tensor] {
        var global = global
        for round in rounds { global = strategy.aggregate(global: global, updates: updates(round: round, global: global)) }
        return global
    }

    /// The largest element-wise difference between two weight lists of the same shapes.
    private static func distance(_ a: [Tensor], _ b: [Tensor]) -> Float {
        zip(a, b).flatMap { zip($0.values, $1.values).map { abs($0 - $1) } }.max() ?? .infinity
    }

    /// JSON as the coordinator's checkpoint writes it (`FedzJSON`: sorted keys, non-finite
    /// numbers as strings), there and back.
    private static func throughJSON(_ state: StrategyState) throws -> StrategyState {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(StrategyState.self, from: try encoder.encode(state))
    }

    @Test(arguments: stateful, [false, true])
    func aRestoredStrategyContinuesExactly(name: String, clipped: Bool) throws {
        var uninterrupted = try Self.make(name, clipped: clipped)
        let expected = Self.run(&uninterrupted, from: Self.start, rounds: 0..<Self.rounds)

        var first = try Self.make(name, clipped: clipped)
        let stopped = Self.run(&first, from: Self.start, rounds: 0..<Self.stopAfter)
        let state = try #require(first.serverState)
        let decoded = try Self.throughJSON(state)
        #expect(decoded == state)
        #expect(decoded.strategy == name)

        var resumed = try Self.make(name, clipped: clipped)
        try resumed.restore(decoded, global: stopped)
        #expect(resumed.serverState == state)
        let final = Self.run(&resumed, from: stopped, rounds: Self.stopAfter..<Self.rounds)
        #expect(Self.distance(final, expected) <= 1e-6)

        // Without the state the server restarts from zero, and the run ends elsewhere.
        var restarted = try Self.make(name, clipped: clipped)
        let diverged = Self.run(&restarted, from: stopped, rounds: Self.stopAfter..<Self.rounds)
        #expect(Self.distance(diverged, expected) > 1e-6)
    }

    @Test(arguments: stateful)
    func aFreshStrategyExportsEmptyBuffersItCanRestore(name: String) throws {
        var strategy = try Self.make(name)
        let state = try #require(strategy.serverState)
        #expect(state.buffers.values.allSatisfy { $0.isEmpty })
        try strategy.restore(state, global: Self.start)
        var fresh = try Self.make(name)
        #expect(Self.run(&strategy, from: Self.start, rounds: 0..<3) == Self.run(&fresh, from: Self.start, rounds: 0..<3))
    }

    @Test(arguments: ["fedavg", "fedprox", "median", "trimmed-mean", "krum"])
    func statelessStrategiesExportNothingAndRefuseAState(name: String) throws {
        var strategy = try StrategySpec(name: name).make()
        #expect(strategy.serverState == nil)
        var adam = try Self.make("fedadam")
        _ = Self.run(&adam, from: Self.start, rounds: 0..<2)
        let state = try #require(adam.serverState)
        #expect(throws: StrategyStateError.self) { try strategy.restore(state, global: Self.start) }
    }

    @Test func anotherStrategysStateIsRefusedAndChangesNothing() throws {
        var adam = try Self.make("fedadam")
        _ = Self.run(&adam, from: Self.start, rounds: 0..<2)
        let adamState = try #require(adam.serverState)
        var momentum = try Self.make("fedavgm")
        _ = Self.run(&momentum, from: Self.start, rounds: 0..<2)
        let momentumState = try #require(momentum.serverState)

        var yogi = try Self.make("fedyogi")
        let error = #expect(throws: StrategyStateError.self) { try yogi.restore(adamState, global: Self.start) }
        #expect(error?.description.contains("fedadam") == true)
        #expect(yogi.serverState?.buffers.values.allSatisfy { $0.isEmpty } == true)

        #expect(throws: StrategyStateError.self) { try adam.restore(momentumState, global: Self.start) }
        #expect(adam.serverState == adamState)
        #expect(throws: StrategyStateError.self) { try momentum.restore(adamState, global: Self.start) }
        #expect(momentum.serverState == momentumState)
    }

    @Test func aStateForAnotherModelSizeOrWithBuffersMissingIsRefused() throws {
        var adam = try Self.make("fedadam")
        _ = Self.run(&adam, from: Self.start, rounds: 0..<2)
        let state = try #require(adam.serverState)
        var fresh = try Self.make("fedadam")
        let bigger = Self.start + [Tensor(shape: [1], values: [0])]
        let error = #expect(throws: StrategyStateError.self) { try fresh.restore(state, global: bigger) }
        #expect(error?.description.contains("11") == true)

        var uneven = state
        uneven.buffers["v"]?.removeLast()
        #expect(throws: StrategyStateError.self) { try fresh.restore(uneven, global: Self.start) }
        var missing = state
        missing.buffers["v"] = nil
        #expect(throws: StrategyStateError.self) { try fresh.restore(missing, global: Self.start) }
        #expect(fresh.serverState?.buffers.values.allSatisfy { $0.isEmpty } == true)

        var clipped = try Self.make("fedavgm", clipped: true)
        #expect(throws: StrategyStateError.self) { try clipped.restore(state, global: Self.start) }
    }

    @Test func buffersTravelBitForBitNonFiniteValuesIncluded() throws {
        let values: [Float] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1]
        let state = StrategyState(strategy: "fedavgm", buffers: ["velocity": values])
        let decoded = try #require(try Self.throughJSON(state).buffers["velocity"])
        #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func aBufferThatIsNotBase64OfFloatsDoesNotDecode() {
        for buffer in ["not base64!", Data([1, 2, 3]).base64EncodedString()] {
            let json = Data(#"{"buffers":{"velocity":"\#(buffer)"},"strategy":"fedavgm"}"#.utf8)
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(StrategyState.self, from: json) }
        }
    }
}
