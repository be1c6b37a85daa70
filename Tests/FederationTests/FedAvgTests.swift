import Learning
import Testing

@testable import Federation

@Suite struct FedAvgTests {
    private func update(_ client: Int, samples: Int, delta: [Float]) -> ClientUpdate {
        ClientUpdate(client: client, node: "n", samples: samples, trainLoss: 0, delta: [Tensor(shape: [delta.count], values: delta)])
    }

    @Test func weightsDeltasBySampleCount() {
        let global = [Tensor(shape: [2], values: [1, 1])]
        let next = FedAvg().aggregate(global: global, updates: [
            update(1, samples: 100, delta: [1, 0]),
            update(2, samples: 300, delta: [-1, 4]),
        ])
        // 1 + (100·1 + 300·(−1)) / 400 = 0.5;  1 + (300·4) / 400 = 4
        #expect(next[0].values == [0.5, 4])
    }

    @Test func equalWeightsGiveThePlainMean() {
        let global = [Tensor(shape: [1], values: [0]), Tensor(shape: [2], values: [10, 20])]
        let updates = (0..<4).map { client in
            ClientUpdate(client: client, node: "n", samples: 50, trainLoss: 0, delta: [
                Tensor(shape: [1], values: [Float(client)]), Tensor(shape: [2], values: [1, -1]),
            ])
        }
        let next = FedAvg().aggregate(global: global, updates: updates)
        #expect(next[0].values == [1.5])
        #expect(next[1].values == [11, 19])
    }

    @Test func strategiesAreFoundByName() {
        #expect(Strategies.named("fedavg")?.name == "fedavg")
        #expect(Strategies.named("nope") == nil)
    }
}
