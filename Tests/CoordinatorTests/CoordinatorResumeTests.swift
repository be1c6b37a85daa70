import Federation
import FedzProtocol
import Foundation
import Learning
import Testing

@testable import Orchestrator

/// A coordinator killed mid-run and started again with `resume` continues from its checkpoint:
/// the model, the strategy's server state (momentum, moments), the round number and the history.
@Suite struct CoordinatorResumeTests {
    static let delta = CoordinatorRoundTests.delta
    static let clients = CoordinatorRoundTests.clients

    @Test(arguments: ["fedavgm", "fedadam"])
    func aResumedRunEndsWithTheModelOfTheUninterruptedRun(strategy: String) async throws {
        let reference = try Fleet()
        defer { reference.removeState() }
        _ = await reference.startNodes(Self.clients, delta: Self.delta)
        let whole = try await reference.startCoordinator(reference.settings(rounds: 4, expectedClients: 4, strategy: strategy))
        let uninterrupted = await reference.run(whole)
        await whole.shutdown()
        #expect(uninterrupted.error == nil)
        let expected = await whole.global

        let first = try Fleet()
        defer { first.removeState() }
        // Clients that train for a second of virtual time: round 3 cannot close before round 2's
        // report (which waits for its evaluation) stops the run, however loaded the machine.
        _ = await first.startNodes(Self.clients, trainingTime: .seconds(1), delta: Self.delta)
        let killed = try await first.startCoordinator(first.settings(rounds: 4, expectedClients: 4, strategy: strategy))
        let partial = await first.run(killed, stopAfter: 2)
        await killed.shutdown()
        #expect(partial.error != nil)
        #expect((2...3).contains(partial.history.count))

        // A new process on the same registry, with nodes that joined it afresh.
        let second = try Fleet(stateDirectory: first.stateDirectory)
        _ = await second.startNodes(Self.clients, delta: Self.delta)
        var settings = second.settings(rounds: 4, expectedClients: 4, strategy: strategy)
        settings.resume = true
        let resumed = try await second.startCoordinator(settings)
        let rest = await second.run(resumed)
        await resumed.shutdown()

        #expect(rest.error == nil)
        #expect(rest.history.map(\.round) == [1, 2, 3, 4])
        #expect(largestDifference(await resumed.global, expected) < 1e-6)
        // Without the server state the resumed rounds would step differently: the test can tell.
        let fresh = try reference.initialWeights()
        #expect(largestDifference(expected, fresh) > 1e-3)
    }
}
