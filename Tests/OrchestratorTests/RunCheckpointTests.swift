import Federation
import Foundation
import Learning
import Testing

@testable import Orchestrator

/// The run's part of the resume checkpoint, as `Coordinator.save` writes it and
/// `prepare` reads it back.
@Suite struct RunCheckpointTests {
    private func checkpoint(_ state: StrategyState?) -> RunCheckpoint {
        RunCheckpoint(
            version: 4, candidate: nil, retraining: nil, history: [], promotions: [], finished: false,
            startedAt: Date(timeIntervalSince1970: 1_700_000_000), accountant: RDPAccountant(), strategyState: state)
    }

    private func throughJSON(_ run: RunCheckpoint) throws -> (RunCheckpoint, [String: Any]) {
        let data = try FedzJSON.encoder([]).encode(run)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (try FedzJSON.decoder.decode(RunCheckpoint.self, from: data), object)
    }

    @Test func theStrategysServerStateTravelsBitForBit() throws {
        var adam = FedAdaptive(rule: .adam, learningRate: 0.1, beta1: 0.9, beta2: 0.99, tau: 0.001)
        let global = [Tensor(shape: [3], values: [0, 0, 0])]
        _ = adam.aggregate(global: global, updates: [
            ClientUpdate(client: 0, node: "node-0", samples: 3, trainLoss: 0, delta: [Tensor(shape: [3], values: [0.1, -0.7, .infinity])]),
        ])
        let state = try #require(adam.serverState)
        let (decoded, object) = try throughJSON(checkpoint(state))
        #expect(object["strategyState"] != nil)
        #expect(decoded.strategyState?.buffers.mapValues { $0.map(\.bitPattern) } == state.buffers.mapValues { $0.map(\.bitPattern) })
        #expect(decoded.strategyState?.strategy == "fedadam")
    }

    @Test func aCheckpointWithoutServerStateStillDecodes() throws {
        // A stateless strategy's checkpoint, like every one written before server state was
        // kept, has no `strategyState` key at all.
        let (decoded, object) = try throughJSON(checkpoint(nil))
        #expect(object["strategyState"] == nil)
        #expect(object["version"] as? Int == 4)
        #expect(decoded.strategyState == nil)
        #expect(decoded.version == 4)
    }
}
