import Federation
import FedzProtocol
import Foundation
import Learning
import Testing

@testable import Orchestrator

/// The coordinator's rounds on an in-memory fleet and virtual time: what it aggregates, how it
/// copes with lost nodes and failed clients, and how privacy is charged.
@Suite struct CoordinatorRoundTests {
    /// Client c's update in round r: every parameter moves by (c + 1)/1000 · r.
    static let delta: @Sendable (Int, Int) -> Float = { client, round in Float(client + 1) * 0.001 * Float(round) }
    /// Two nodes of two clients: 100, 300 | 200, 400 samples.
    static let clients = Fleet.clients(nodes: 2, perNode: 2) { [100, 300, 200, 400][$0] }

    /// The FedAvg step of round r over `clients`: Σ nᶜ·Δᶜ / Σ nᶜ.
    static func fedAvgStep(round: Int, clients: [ClientInfo]) -> Float {
        let samples = clients.reduce(0) { $0 + $1.samples }
        return clients.reduce(Float(0)) { $0 + Float($1.samples) * delta($1.id, round) } / Float(samples)
    }

    @Test func roundsAggregateEveryClientsUpdateWeightedBySamples() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        let nodes = await fleet.startNodes(Self.clients, delta: Self.delta)
        let coordinator = try await fleet.startCoordinator(fleet.settings(rounds: 3, expectedClients: 4))
        let outcome = await fleet.run(coordinator)
        await coordinator.shutdown()

        #expect(outcome.error == nil)
        #expect(outcome.history.map(\.round) == [1, 2, 3])
        #expect(outcome.history.map(\.participants) == [4, 4, 4])
        #expect(outcome.history.map(\.sampled) == [4, 4, 4])
        let versions = outcome.history.map(\.modelVersion)
        #expect(versions == versions.sorted() && Set(versions).count == 3)
        let all = Self.clients.flatMap { $0 }
        let step = (1...3).reduce(Float(0)) { $0 + Self.fedAvgStep(round: $1, clients: all) }
        #expect(largestDifference(await coordinator.global, shifted(try fleet.initialWeights(), by: step)) < 1e-6)
        // Each round started once on each node: no attempt was repeated.
        for node in nodes { #expect(await node.roundStarts.keys.sorted() == [1, 2, 3]) }
        #expect(await coordinator.rejected.isEmpty)
    }

    @Test func theFirstRoundWaitsForTheExpectedClientsOrTheStartTimeout() async throws {
        // Six clients expected, four come: round 1 opens at the start timeout with those four.
        let fleet = try Fleet()
        defer { fleet.removeState() }
        _ = await fleet.startNodes(Self.clients, delta: Self.delta)
        let settings = fleet.settings(rounds: 1, expectedClients: 6)
        let coordinator = try await fleet.startCoordinator(settings)
        let outcome = await fleet.run(coordinator)
        await coordinator.shutdown()
        #expect(outcome.error == nil)
        #expect(outcome.history.map(\.sampled) == [4])
        let round = try #require(outcome.history.first).seconds
        // Beside the wait and the round: the nodes' hellos, the evaluation and the final checkpoint.
        let waited = outcome.elapsed.seconds - round
        #expect(waited >= settings.startTimeout.seconds && waited < settings.startTimeout.seconds + 5, "\(outcome.elapsed), round \(round) s")

        // Four expected, four come: round 1 opens once they have joined, long before the timeout.
        let prompt = try Fleet()
        defer { prompt.removeState() }
        _ = await prompt.startNodes(Self.clients, delta: Self.delta)
        let started = try await prompt.startCoordinator(prompt.settings(rounds: 1, expectedClients: 4))
        let quick = await prompt.run(started)
        await started.shutdown()
        #expect(quick.error == nil)
        #expect(quick.elapsed.seconds - (quick.history.first?.seconds ?? .infinity) < 5, "\(quick.elapsed)")
    }

    @Test func aNodeLostMidRoundIsDeclaredDeadAndTheRoundClosesWithTheOthers() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        let nodes = await fleet.startNodes(Self.clients, behaviours: ["node-1": .diesInRound(1)], delta: Self.delta)
        let settings = fleet.settings(rounds: 1, expectedClients: 4)
        let coordinator = try await fleet.startCoordinator(settings)
        let outcome = await fleet.run(coordinator)
        await coordinator.shutdown()

        #expect(outcome.error == nil)
        #expect(outcome.history.count == 1)
        #expect(outcome.history.first?.sampled == 4)
        #expect(outcome.history.first?.participants == 2)
        // Closed once node-1 was found silent for `liveness` heartbeats, long before the deadline.
        let seconds = outcome.history.first?.seconds ?? .infinity
        #expect(seconds >= (Fleet.heartbeat * 2).seconds)
        #expect(seconds < settings.roundTimeout.seconds / 4)
        #expect(await coordinator.membership.nodes.keys.sorted() == ["node-0"])
        let step = Self.fedAvgStep(round: 1, clients: Self.clients[0])
        #expect(largestDifference(await coordinator.global, shifted(try fleet.initialWeights(), by: step)) < 1e-6)
        #expect(await nodes[1].roundStarts[1] == 1)
    }

    @Test func aRoundThatCannotReachItsMinimumIsAbandonedAndRetried() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        let nodes = await fleet.startNodes(Self.clients, behaviours: ["node-0": .failsRound(1)], delta: Self.delta)
        var settings = fleet.settings(rounds: 1, expectedClients: 4)
        settings.minimumClients = 4
        let coordinator = try await fleet.startCoordinator(settings)
        let outcome = await fleet.run(coordinator)
        await coordinator.shutdown()

        #expect(outcome.error == nil)
        #expect(await nodes[0].failuresSent == 2)
        // The second attempt began after the pause that lets the failure detector settle.
        #expect(outcome.elapsed >= settings.heartbeatInterval * settings.heartbeatLiveness)
        #expect(outcome.history.map(\.participants) == [4])
        #expect(await coordinator.lastTrainingFailure == "simulated failure")
        let step = Self.fedAvgStep(round: 1, clients: Self.clients.flatMap { $0 })
        #expect(largestDifference(await coordinator.global, shifted(try fleet.initialWeights(), by: step)) < 1e-6)
    }

    @Test func aRunGivesUpAfterThreeAbandonedAttempts() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        _ = await fleet.startNodes(Self.clients, behaviours: ["node-0": .neverAnswers], delta: Self.delta)
        var settings = fleet.settings(rounds: 2, expectedClients: 4)
        settings.minimumClients = 4
        settings.roundTimeout = .seconds(30)
        let coordinator = try await fleet.startCoordinator(settings)
        let outcome = await fleet.run(coordinator)
        await coordinator.shutdown()

        #expect(outcome.history.isEmpty)
        let failure = try #require(await coordinator.failure)
        #expect(failure.hasPrefix("round 1 abandoned 3 times"))
        // Three deadlines of 30 s and two pauses of 3 s between them.
        #expect(outcome.elapsed >= .seconds(96))
        #expect(outcome.error != nil)
    }

    @Test func privateRoundsAddCalibratedNoiseAndChargeTheBudget() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        _ = await fleet.startNodes(Self.clients, delta: Self.delta)
        var settings = fleet.settings(rounds: 2, expectedClients: 4)
        let privacy = DifferentialPrivacy(clippingNorm: 1, noiseMultiplier: 1)
        settings.privacy = privacy
        let coordinator = try await fleet.startCoordinator(settings)
        let initial = try fleet.initialWeights()
        let outcome = await fleet.run(coordinator, stopAfter: nil)
        await coordinator.shutdown()

        #expect(outcome.error == nil)
        #expect(outcome.history.map(\.participants) == [4, 4])
        // ε as an accountant charging two rounds at rate C = 1 and σ = 1 computes it.
        var budget = PrivacyBudget()
        var expected: [Double] = []
        for _ in 1...2 {
            budget.charge(samplingRate: 1, noiseMultiplier: 1, clients: 0..<4)
            expected.append(budget.epsilon(delta: privacy.delta))
        }
        let epsilons = outcome.history.compactMap(\.epsilon)
        #expect(epsilons.count == 2)
        for (measured, computed) in zip(epsilons, expected) { #expect(abs(measured - computed) < 1e-9) }
        #expect(epsilons[1] > epsilons[0])
        // Each round adds (Σ Δ + N(0, (σC)²)) / (C·K): after two rounds the unexplained part of
        // every weight is Gaussian with standard deviation √2 · σC / 4.
        let explained = (1...2).reduce(Float(0)) { sum, round in
            sum + (0..<4).reduce(Float(0)) { $0 + Self.delta($1, round) } / 4
        }
        let residual = zip(await coordinator.global, initial).flatMap { zip($0.values, $1.values).map { $0 - $1 - explained } }
        let mean = residual.reduce(0, +) / Float(residual.count)
        let deviation = (residual.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(residual.count)).squareRoot()
        #expect(abs(deviation - Float(2).squareRoot() / 4) < 0.02)
        #expect(abs(mean) < 0.02)
        // Under privacy nothing un-noised about the clients is published.
        #expect(outcome.history.allSatisfy { $0.trainLoss == 0 })
    }
}
