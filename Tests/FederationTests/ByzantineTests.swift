import Learning
import Testing

@testable import Federation

@Suite struct ByzantineTests {
    @Test func plansParseAndBadOnesAreRefused() throws {
        let plan = try ByzantinePlan("fraction=0.2,kind=scale:-10")
        #expect(plan == ByzantinePlan(fraction: 0.2, behavior: .scale(-10)))
        #expect(try ByzantinePlan("kind=noise,fraction=1").behavior == .noise(sigma: 1))
        #expect(try ByzantineBehavior("noise:0.5") == .noise(sigma: 0.5))
        #expect(try ByzantineBehavior("flip-labels") == .flipLabels)
        for bad in ["fraction=0.2", "fraction=2,kind=noise", "fraction=0.2,kind=scale", "kind=flip", "x=1,kind=noise",
                    "fraction=0.1,fraction=0.2,kind=noise", "fraction=0.2,kind=noise:-1"] {
            #expect(throws: PlanError.self) { try ByzantinePlan(bad) }
        }
        #expect(try ByzantinePlan(plan.description) == plan)
    }

    @Test func theByzantineNodesAreFixedByTheSeed() {
        let plan = ByzantinePlan(fraction: 0.2, behavior: .flipLabels)
        let chosen = plan.byzantineNodes(of: 10, seed: 1)
        #expect(chosen.count == 2)
        #expect(chosen == plan.byzantineNodes(of: 10, seed: 1))
        #expect(Set((1...20).map { plan.byzantineNodes(of: 10, seed: $0) }).count > 1)
        #expect(plan.byzantineNodes(of: 5, seed: 1).count == 1)
        #expect(ByzantinePlan(fraction: 0, behavior: .flipLabels).byzantineNodes(of: 5, seed: 1).isEmpty)
    }

    @Test func behaviorsCorruptDeltasAndLabels() {
        let delta = [Tensor(shape: [2], values: [1, -2]), Tensor(shape: [1], values: [0.5])]
        #expect(ByzantineBehavior.scale(-10).corrupt(delta, seed: 1).map(\.values) == [[-10, 20], [-5]])
        let noise = ByzantineBehavior.noise(sigma: 2).corrupt(delta, seed: 1)
        #expect(noise.map(\.shape) == delta.map(\.shape))
        #expect(noise != delta && noise == ByzantineBehavior.noise(sigma: 2).corrupt(delta, seed: 1))
        #expect(ByzantineBehavior.flipLabels.corrupt(delta, seed: 1) == delta)

        let data = LabeledData(features: [0, 0, 0], labels: [0, 3, 9], featureShape: [1], classCount: 10)
        #expect(ByzantineBehavior.flipLabels.corrupt(data).labels == [9, 6, 0])
        #expect(ByzantineBehavior.scale(2).corrupt(data).labels == [0, 3, 9])
    }
}
