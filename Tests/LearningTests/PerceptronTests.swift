@testable import Learning
import Testing

/// Points in the square ±1 labelled by the side of the line 2x − y + 0.3 = 0 they lie on,
/// none closer to it than `margin`: linearly separable with that margin.
func separable(count: Int, margin: Float, seed: UInt64) -> LabeledData {
    var generator = SeededGenerator(seed: seed)
    var features: [Float] = [], labels: [Int32] = []
    let norm = Float(5).squareRoot()
    while labels.count < count {
        let x = Float.random(in: -1...1, using: &generator), y = Float.random(in: -1...1, using: &generator)
        let distance = (2 * x - y + 0.3) / norm
        guard abs(distance) >= margin else { continue }
        features += [x, y]
        labels.append(distance > 0 ? 1 : 0)
    }
    return LabeledData(features: features, labels: labels, featureShape: [2], classCount: 2)
}

extension LearningTests {
    @Suite struct PerceptronTests {
        @Test func thePerceptronRuleSeparatesSeparableDataWithinNovikoffsBound() throws {
            let margin: Float = 0.1
            let data = separable(count: 400, margin: margin, seed: 1)
            let perceptron = PerceptronLearner(inputShape: [2], classes: 2)
            let (report, update) = try perceptron.learn(
                from: data, config: TrainingConfig(epochs: 1000, batchSize: 1, learningRate: 1, seed: 2), round: 1)
            // With the bias as a constant input 1, ‖x‖² ≤ 3; the separating (w, b) = (2, −1, 0.3)/√5 has
            // norm ≤ √(1 + 0.09/5), so the augmented margin is ≥ margin / that, and each of the two
            // units errs at most (R/γ)² times.
            let radius2: Float = 3, gamma = margin / (1 + 0.09 / 5).squareRoot()
            #expect(report.steps > 0 && Float(report.steps) <= 2 * radius2 / (gamma * gamma), "\(report.steps) updates")
            #expect(perceptron.evaluate(on: data).accuracy == 1, "zero training errors")
            #expect(update.map(\.shape) == perceptron.parameterSpecs.map(\.shape))

            let again = try perceptron.learn(
                from: data, config: TrainingConfig(epochs: 5, batchSize: 1, learningRate: 1, seed: 3), round: 2)
            #expect(again.report.steps == 0, "a converged perceptron makes no more updates")
            #expect(again.update.allSatisfy { $0.values.allSatisfy { $0 == 0 } })
        }

        @Test func oneVersusRestPerceptronsLearnMNIST() throws {
            let train = try Fixtures.train().subset(Array(0..<3000)), test = try Fixtures.test().subset(Array(0..<2000))
            let perceptron = try ModelZoo.learner("perceptron", seed: 1)
            #expect(perceptron.evaluate(on: test).accuracy < 0.2)
            _ = try perceptron.learn(from: train, config: TrainingConfig(epochs: 2, batchSize: 1, learningRate: 1, seed: 1), round: 1)
            let accuracy = perceptron.evaluate(on: test).accuracy
            #expect(accuracy > 0.75, "\(accuracy)")
        }
    }
}
