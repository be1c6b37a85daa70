import Learning
import Testing

@testable import Federation

/// A one-tensor update with the given delta, for hand-computed strategy cases.
func update(_ client: Int, samples: Int = 1, delta: [Float]) -> ClientUpdate {
    ClientUpdate(client: client, node: "n", samples: samples, trainLoss: 0, delta: [Tensor(shape: [delta.count], values: delta)])
}

@Suite struct FedAvgTests {
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

    @Test func fedSGDTrainsOneFullBatchEpochAndAveragesLikeFedAvg() {
        let training = FedSGD().configure(TrainingConfig(epochs: 5, batchSize: 10, learningRate: 0.1, seed: 3))
        #expect(training.epochs == 1)
        #expect(training.batchSize == Int.max)
        #expect(training.learningRate == 0.1)
        let global = [Tensor(shape: [2], values: [1, 1])]
        let updates = [update(1, samples: 100, delta: [1, 0]), update(2, samples: 300, delta: [-1, 4])]
        #expect(FedSGD().aggregate(global: global, updates: updates) == FedAvg().aggregate(global: global, updates: updates))
    }

    @Test func fedProxAsksForTheProximalTermAndAveragesLikeFedAvg() {
        let base = TrainingConfig(epochs: 5, batchSize: 10, learningRate: 0.1, seed: 3)
        #expect(base.proximalMu == nil)
        let training = FedProx(mu: 0.5).configure(base)
        #expect(training.proximalMu == 0.5)
        #expect(training.epochs == 5 && training.batchSize == 10)
        #expect(FedAvg().configure(base) == base)
    }
}
