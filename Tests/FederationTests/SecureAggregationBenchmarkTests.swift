import Foundation
import Learning
import Testing

@testable import Federation

/// Per-stage times of a 100-client SecAgg+ round in memory, for the MLP and the
/// CNN of the FedAvg paper. A measurement, not a test: it runs only with
/// FEDZ_BENCH=1, best in a release build, and prints one JSON line per case:
/// `FEDZ_BENCH=1 swift test -c release --filter SecureAggregationBenchmarkTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FEDZ_BENCH"] != nil))
struct SecureAggregationBenchmarkTests {
    static let cases: [(model: String, parameters: Int, neighbours: Int, threshold: Int, dropouts: Int)] = [
        ("mlp", 199_210, 14, 8, 0),
        ("mlp", 199_210, 14, 8, 10),
        ("mlp", 199_210, 99, 51, 0),
        ("cnn", 1_663_370, 14, 8, 0),
        ("cnn", 1_663_370, 14, 8, 10),
    ]

    @Test(arguments: cases.indices)
    func stageTimes(case index: Int) throws {
        let setup = Self.cases[index]
        let clients = 100
        let config = SecAggConfig(
            round: 1, participants: Array(0..<clients), neighbours: setup.neighbours, threshold: setup.threshold,
            graphSeed: 7, clippingRange: 1, vectorLength: setup.parameters + 1, stageTimeout: 60,
            inputTimeout: 600)
        let clock = ContinuousClock()
        var generator = SeededGenerator(seed: 1)
        let update = (0..<setup.parameters).map { _ in Float.random(in: -0.01...0.01, using: &generator) }
        let weighted = SecAggAveraging.weightedInput(delta: update, weight: 0.01)
        var random = CryptoRandom(seed: [UInt8](repeating: 1, count: 32))
        var input: [UInt32] = []
        let quantise = clock.measure { input = SecAggQuantizer(config: config).quantize(weighted, using: &random) }
        // Every tenth client leaves after sharing its keys: the costliest dropout for the server.
        let dropouts = Dictionary(uniqueKeysWithValues: (0..<setup.dropouts).map { ($0 * 10, SecAggServer.Stage.maskedInput) })

        var round: SecAggLocalRound?
        let setUp = try clock.measure { round = try SecAggLocalRound(config: config, dropouts: dropouts, seed: 3, now: .now) }
        let advertise = clock.measure { round!.advertiseKeys() }
        let share = clock.measure { round!.shareKeys() }
        let mask = clock.measure { round!.maskInputs { _ in input } }
        let unmask = clock.measure { round!.unmask() }
        guard case .finished(let sum) = round!.directive else {
            Issue.record("round did not finish: \(round!.directive)")
            return
        }
        #expect(sum.contributors.count == clients - setup.dropouts)
        print(
            #"{"bench":"secagg","model":"\#(setup.model)","parameters":\#(setup.parameters),"clients":\#(clients),"#
                + #""neighbours":\#(NeighbourGraph(config: config).degree),"threshold":\#(setup.threshold),"#
                + #""dropouts":\#(setup.dropouts),"quantise_one_client_s":\#(quantise.seconds),"#
                + #""keys_all_clients_s":\#((setUp + advertise).seconds),"share_keys_s":\#(share.seconds),"#
                + #""masked_input_all_clients_s":\#(mask.seconds),"unmasking_s":\#(unmask.seconds)}"#)
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
