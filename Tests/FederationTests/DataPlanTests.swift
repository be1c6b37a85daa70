import Learning
import Testing

@testable import Federation

@Suite struct DataPlanTests {
    @Test func nodesShareTheClientsWithoutOverlap() {
        let plan = DataPlan(clients: 10, partition: .iid, seed: 1)
        let hosted = (0..<3).map { plan.clients(ofNode: $0, count: 3) }
        #expect(hosted[0] == [0, 3, 6, 9])
        #expect(Set(hosted.flatMap { $0 }) == Set(0..<10))
        #expect(hosted.flatMap { $0 }.count == 10)
    }

    @Test func partitionsParseAndUnknownOnesAreRefused() throws {
        #expect(try DataPlan.Partition("iid") == .iid)
        #expect(try DataPlan.Partition("shards") == .shards)
        #expect(try DataPlan.Partition("dirichlet:0.3") == .dirichlet(alpha: 0.3))
        #expect(try DataPlan.Partition("quantity:2") == .quantity(beta: 2))
        #expect(try DataPlan.Partition(DataPlan.Partition.dirichlet(alpha: 0.3).description) == .dirichlet(alpha: 0.3))
        for bad in ["dirichlet", "dirichlet:0", "dirichlet:-1", "dirichlet:x", "quantity", "iid:1", "shards:2", "zipf:1"] {
            #expect(throws: PlanError.self) { try DataPlan.Partition(bad) }
        }
    }

    @Test func clientSeedsDifferByClientAndRound() {
        let base = TrainingConfig(epochs: 1, batchSize: 10, learningRate: 0.1, seed: 7)
        let seeds = Set([(0, 1), (1, 1), (0, 2), (1, 2)].map { base.forClient($0.0, round: $0.1).seed })
        #expect(seeds.count == 4)
        #expect(base.forClient(3, round: 5) == base.forClient(3, round: 5))
        #expect(base.forClient(3, round: 5).learningRate == base.learningRate)
    }
}

@Suite struct DriftSpecTests {
    @Test func parsesAndSelectsTheFirstFractionOfNodes() throws {
        let spec = try DriftSpec(parsing: "round=15,kind=rotate:60,fraction=0.5")
        #expect(spec.round == 15 && spec.shift == .rotate(degrees: 60) && spec.fraction == 0.5)
        #expect((0..<4).filter { spec.affects(node: $0, of: 4) } == [0, 1])
        #expect(try DriftSpec(parsing: spec.description) == spec)
        #expect((0..<3).allSatisfy { try! DriftSpec(parsing: "round=2,kind=permute-labels").affects(node: $0, of: 3) })
        #expect(spec.stall == .zero)
    }

    @Test func aStallIsParsedAndSurvivesItsDescription() throws {
        let spec = try DriftSpec(parsing: "round=2,kind=rotate:60,stall=60")
        #expect(spec.stall == .seconds(60))
        #expect(try DriftSpec(parsing: spec.description) == spec)
    }

    @Test(arguments: ["round=15", "kind=rotate:60", "round=0,kind=rotate:1", "round=3,kind=rotate:1,fraction=2", "round=3,kind=x", "when=3",
        "round=3,kind=rotate:1,stall=-1", "round=3,kind=rotate:1,stall=3601", "round=3,kind=rotate:1,stall=1.5"])
    func refusesBadSpecs(_ text: String) {
        #expect(throws: PlanError.self) { try DriftSpec(parsing: text) }
    }
}
