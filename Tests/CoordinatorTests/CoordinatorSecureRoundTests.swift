import Federation
import FedzProtocol
import Foundation
import Learning
import Testing

@testable import Orchestrator

/// Secure rounds (SecAgg+) on an in-memory fleet and virtual time: every simulated client runs
/// a real `SecAggClient`, so the coordinator's `SecAggServer` unmasks exactly the sum of the
/// inputs that made it, and the round's model is FedAvg over those clients, up to quantisation.
@Suite struct CoordinatorSecureRoundTests {
    /// Three nodes of two clients: 100, 300 | 200, 400 | 150, 250 samples.
    static let clients = Fleet.clients(nodes: 3, perNode: 2) { [100, 300, 200, 400, 150, 250][$0] }
    /// Four neighbours of six clients: a sparse SecAgg+ graph (neighbourhoods of 5 of the 6),
    /// the default threshold (more than half a neighbourhood: t = 3) and clipping range.
    static let secure = SecureAggregationSettings(
        neighbours: 4, threshold: PrivacyOptions.defaultThreshold, clippingRange: PrivacyOptions.defaultClip)

    /// Client c's update in round r, as in the plain rounds: (c + 1)/1000 · r.
    static let delta = CoordinatorRoundTests.delta

    func settings(_ fleet: Fleet, rounds: Int) -> CoordinatorSettings {
        var settings = fleet.settings(rounds: rounds, expectedClients: 6)
        settings.secureAggregation = Self.secure
        return settings
    }

    /// How far a secure round's step may lie from FedAvg's over `contributors` when `sampled`
    /// took part. A client inputs [w, w·Δ] with w = n/N (N the sampled clients' samples), each
    /// value clipped to [−C, C] and mapped onto L = ⌊(2³² − 1)/|sampled|⌋ levels (so that the sum
    /// never wraps) with stochastic rounding: each value moves by less than one level,
    /// q = 2C/L. The k contributors' sums Σw and Σw·Δ are then each off by less than k·q, and
    /// their quotient, the step, by less than k·q·(1 + |step|)/(Σw − k·q). Float arithmetic
    /// (weights, the model update) adds up to 1e-6, the plain rounds' tolerance.
    static func tolerance(sampled: [ClientInfo], contributors: [ClientInfo], step: Float) -> Float {
        let levels = Double((UInt64(1) << 32) - 1) / Double(sampled.count)
        let quantum = 2 * Double(secure.clippingRange) / levels.rounded(.down)
        let k = Double(contributors.count)
        let weight = Double(contributors.reduce(0) { $0 + $1.samples }) / Double(sampled.reduce(0) { $0 + $1.samples })
        return Float(k * quantum * (1 + abs(Double(step))) / (weight - k * quantum)) + 1e-6
    }

    @Test func aSecureRoundWithEveryClientAggregatesTheirSampleWeightedMean() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        let nodes = await fleet.startNodes(Self.clients, delta: Self.delta)
        let coordinator = try await fleet.startCoordinator(settings(fleet, rounds: 2))
        let outcome = await fleet.run(coordinator)
        await coordinator.shutdown()

        #expect(outcome.error == nil)
        #expect(outcome.history.map(\.round) == [1, 2])
        #expect(outcome.history.map(\.participants) == [6, 6])
        #expect(outcome.history.map(\.sampled) == [6, 6])
        // Every stage closed on the answers, none at its deadline: the whole run took less than one stage timeout.
        #expect(outcome.elapsed < .seconds(10))
        for result in outcome.history {
            #expect(result.stageSeconds?.keys.sorted() == ["advertise_keys", "masked_input", "share_keys", "unmasking"])
            // The sample-weighted mean of the training losses the masked inputs carried (all 1).
            #expect(result.trainLoss == 1)
        }
        let all = Self.clients.flatMap { $0 }
        let steps = (1...2).map { CoordinatorRoundTests.fedAvgStep(round: $0, clients: all) }
        let tolerance = steps.reduce(Float(0)) { $0 + Self.tolerance(sampled: all, contributors: all, step: $1) }
        let expected = shifted(try fleet.initialWeights(), by: steps.reduce(0, +))
        #expect(largestDifference(await coordinator.global, expected) < tolerance)
        for node in nodes {
            #expect(await node.secureRefusals.isEmpty)
            // Round 2 was the second session: each attempt of a round is a new one.
            #expect(await node.secure?.session == 2)
        }
        #expect(await coordinator.rejected.isEmpty)
    }

    @Test func aNodeLostAfterSharingItsKeysLeavesTheSurvivorsSumAndMean() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        let nodes = await fleet.startNodes(Self.clients, behaviours: ["node-2": .diesOn(.secaggDelivery)], delta: Self.delta)
        let settings = settings(fleet, rounds: 1)
        let coordinator = try await fleet.startCoordinator(settings)
        let outcome = await fleet.run(coordinator)
        await coordinator.shutdown()

        #expect(outcome.error == nil)
        #expect(outcome.history.map(\.participants) == [4])
        #expect(outcome.history.map(\.sampled) == [6])
        // The masked-input stage closed once node-2 was found dead, long before its deadline.
        let seconds = outcome.history.first?.seconds ?? .infinity
        #expect(seconds >= (Fleet.heartbeat * 2).seconds)
        #expect(seconds < settings.roundTimeout.seconds / 4)
        #expect(await coordinator.membership.nodes.keys.sorted() == ["node-0", "node-1"])
        // Clients 4 and 5 shared their keys, so the survivors' pairwise masks with them were
        // removed from their masking keys' shares; the sum is the survivors' alone.
        let all = Self.clients.flatMap { $0 }
        let survivors = Array(all.prefix(4))
        let step = CoordinatorRoundTests.fedAvgStep(round: 1, clients: survivors)
        let expected = shifted(try fleet.initialWeights(), by: step)
        #expect(largestDifference(await coordinator.global, expected) < Self.tolerance(sampled: all, contributors: survivors, step: step))
        for node in nodes.prefix(2) { #expect(await node.secureRefusals.isEmpty) }
        #expect(await coordinator.rejected.isEmpty)
    }

    @Test func aNodeLostAfterItsMaskedInputsStillCounts() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        _ = await fleet.startNodes(Self.clients, behaviours: ["node-2": .diesOn(.secaggUnmask)], delta: Self.delta)
        let coordinator = try await fleet.startCoordinator(settings(fleet, rounds: 1))
        let outcome = await fleet.run(coordinator)
        await coordinator.shutdown()

        #expect(outcome.error == nil)
        // Its inputs are in the sum and the survivors revealed enough shares of its self masks.
        #expect(outcome.history.map(\.participants) == [6])
        #expect(await coordinator.membership.nodes.keys.sorted() == ["node-0", "node-1"])
        let all = Self.clients.flatMap { $0 }
        let step = CoordinatorRoundTests.fedAvgStep(round: 1, clients: all)
        let expected = shifted(try fleet.initialWeights(), by: step)
        #expect(largestDifference(await coordinator.global, expected) < Self.tolerance(sampled: all, contributors: all, step: step))
    }

    @Test func tooManyDropoutsAbortTheSessionAndTheRetryAggregatesWhoIsLeft() async throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        let log = LogRecorder()
        let nodes = await fleet.startNodes(
            Self.clients, behaviours: ["node-1": .diesOn(.secaggDelivery), "node-2": .diesOn(.secaggDelivery)],
            delta: Self.delta)
        let coordinator = try await fleet.startCoordinator(settings(fleet, rounds: 1), log: log)
        let outcome = await fleet.run(coordinator)
        await coordinator.shutdown()

        // Two masked inputs of six, with three shares needed to unmask: the session aborts when
        // the stage closes, and the round with it.
        let abandoned = log.records("round abandoned")
        #expect(abandoned.map { $0.metadata["fedz.round"] } == ["1"])
        #expect(abandoned.map { $0.metadata["reason"] } == ["secure aggregation aborted at masked_input: 2 clients answered, threshold 3"])
        // The retry sampled node-0's two clients alone, in a session of their own.
        #expect(outcome.error == nil)
        #expect(outcome.history.map(\.round) == [1])
        #expect(outcome.history.map(\.sampled) == [2])
        #expect(outcome.history.map(\.participants) == [2])
        #expect(await nodes[0].secure?.session == 2)
        #expect(await nodes[0].roundStarts[1] ?? 0 >= 2)
        let left = Self.clients[0]
        let step = CoordinatorRoundTests.fedAvgStep(round: 1, clients: left)
        let expected = shifted(try fleet.initialWeights(), by: step)
        #expect(largestDifference(await coordinator.global, expected) < Self.tolerance(sampled: left, contributors: left, step: step))
        #expect(await nodes[0].secureRefusals.isEmpty)
    }
}
