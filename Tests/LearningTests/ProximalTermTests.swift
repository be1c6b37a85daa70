@testable import Learning
import Testing

extension LearningTests {
    @Suite struct ProximalTermTests {
        @Test func addsMuTimesTheDistanceFromTheAnchorToEachGradient() {
            let parameter = Parameter(name: "w", value: Tensor(shape: [3], values: [1, 2, -1]))
            parameter.gradient = Tensor(shape: [3], values: [0.5, 0, 1])
            ProximalTerm(mu: 0.1, anchor: [Tensor(shape: [3], values: [0, 2, 1])]).addGradient(to: [parameter])
            // g + 0.1·(w − anchor) = [0.5 + 0.1, 0 + 0, 1 − 0.2]
            #expect(parameter.gradient.values == [0.6, 0, 0.8])
        }

        @Test func aStrongProximalTermKeepsTrainingNearItsStart() throws {
            let data = try Fixtures.train().subset(Array(0..<200))
            func distanceTravelled(mu: Float?) throws -> Float {
                let model = try ModelZoo.make("mlp", seed: 2)
                let start = model.parameters()
                var config = TrainingConfig(epochs: 2, batchSize: 20, learningRate: 0.05, seed: 4)
                config.proximalMu = mu
                _ = try train(model, on: data, config: config)
                return zip(model.parameters(), start).reduce(0) { sum, pair in
                    sum + zip(pair.0.values, pair.1.values).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                }
            }
            let free = try distanceTravelled(mu: nil)
            #expect(try distanceTravelled(mu: 0) == free)
            #expect(try distanceTravelled(mu: 5) < 0.8 * free)
        }

        @Test func aNegativeMuIsRefused() throws {
            var config = TrainingConfig(epochs: 1, batchSize: 10, learningRate: 0.05, seed: 1)
            config.proximalMu = -1
            #expect(throws: LearningError.self) { try train(ModelZoo.make("mlp", seed: 1), on: Fixtures.train().subset([0]), config: config) }
        }
    }
}
