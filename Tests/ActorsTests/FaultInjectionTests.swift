import Testing

import FedzProtocol
@testable import Actors

/// SplitMix64, so these tests need nothing outside `Actors`.
private struct TestGenerator: RandomNumberGenerator, Sendable {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct FaultPlanTests {
    @Test func parsesEveryFault() throws {
        let plan = try FaultPlan(parsing: "drop=0.1,duplicate=0.05,delay=0.2:150,reorder=0.3,corrupt=0.01,partition=5-8,seed=7")
        #expect(plan.drop == 0.1 && plan.duplicate == 0.05 && plan.reorder == 0.3 && plan.corrupt == 0.01)
        #expect(plan.delayProbability == 0.2 && plan.delay == .milliseconds(150))
        #expect(plan.partition == 5...8)
        #expect(plan.seed == 7)
        #expect(try FaultPlan(parsing: plan.description) == plan)
    }

    @Test(arguments: ["drop=2", "drop", "jitter=0.1", "delay=0.5", "delay=0.5:-3", "partition=9-2", "seed=x"])
    func rejectsBadPlans(_ text: String) {
        #expect(throws: FaultPlanError.self) { try FaultPlan(parsing: text) }
    }
}

@Suite struct FaultInjectorTests {
    let message: [[UInt8]] = [Array("fedz/1/report/".utf8), [1, 2, 3, 4]]

    private func run(_ plan: String, messages: Int = 10_000) throws -> (FaultInjector<TestGenerator>, [FaultDelivery]) {
        var injector = FaultInjector(plan: try FaultPlan(parsing: plan), generator: TestGenerator(state: 1))
        var all: [FaultDelivery] = []
        for _ in 0..<messages { all += injector.onMessage(message, elapsed: .seconds(1)) }
        return (injector, all)
    }

    @Test func noFaultsPassesEverythingUnchanged() throws {
        let (injector, deliveries) = try run("", messages: 100)
        #expect(deliveries.count == 100)
        #expect(deliveries.allSatisfy { $0.frames == message && $0.delay == .zero })
        #expect(injector.counters.passed == 100)
    }

    @Test func dropAndDuplicateHitAboutTheirShare() throws {
        let (injector, deliveries) = try run("drop=0.2,duplicate=0.1")
        #expect((1_800...2_200).contains(injector.counters.dropped))
        #expect((700...1_100).contains(injector.counters.duplicated))
        #expect(deliveries.count == 10_000 - injector.counters.dropped + injector.counters.duplicated)
    }

    @Test func corruptionChangesExactlyOneByte() throws {
        let (injector, deliveries) = try run("corrupt=1", messages: 50)
        #expect(injector.counters.corrupted == 50)
        for delivery in deliveries {
            let differences = zip(delivery.frames.joined(), message.joined()).filter { $0 != $1 }.count
            #expect(differences == 1)
        }
    }

    @Test func reorderingDeliversAHeldMessageAfterTheNextOne() throws {
        var injector = FaultInjector(plan: try FaultPlan(parsing: "reorder=1"), generator: TestGenerator(state: 1))
        #expect(injector.onMessage([[1]], elapsed: .zero).isEmpty)
        #expect(injector.onMessage([[2]], elapsed: .zero).map(\.frames) == [[[2]], [[1]]])
    }

    @Test func delayAndPartition() throws {
        var delayed = FaultInjector(plan: try FaultPlan(parsing: "delay=1:250"), generator: TestGenerator(state: 1))
        #expect(delayed.onMessage(message, elapsed: .zero).map(\.delay) == [.milliseconds(250)])
        var partitioned = FaultInjector(plan: try FaultPlan(parsing: "partition=2-4"), generator: TestGenerator(state: 1))
        #expect(partitioned.onMessage(message, elapsed: .seconds(1)).count == 1)
        #expect(partitioned.onMessage(message, elapsed: .seconds(3)).isEmpty)
        #expect(partitioned.onMessage(message, elapsed: .seconds(5)).count == 1)
    }

    @Test func sameSeedSameFaults() throws {
        let (_, a) = try run("drop=0.3,duplicate=0.2,reorder=0.1,corrupt=0.1", messages: 500)
        let (_, b) = try run("drop=0.3,duplicate=0.2,reorder=0.1,corrupt=0.1", messages: 500)
        #expect(a == b)
    }
}
