import Federation
import FedzProtocol
import Foundation
import Learning
import Testing

@testable import Orchestrator

/// The open round as the coordinator holds it, on explicit instants: what an update or a
/// failure does to it, who the round start acknowledges, and how a round is sampled.
@Suite struct OpenRoundTests {
    let start = ContinuousClock.now

    func round(fleet: Fleet) throws -> OpenRound {
        var generator = SeededGenerator(seed: 1)
        var random = CryptoRandom()
        let directory = ClientDirectory([0: "node-0", 1: "node-0", 2: "node-1"])
        let sample = RoundSample(directory, settings: fleet.settings(rounds: 1, expectedClients: 3), generator: &generator, privacyRandom: &random)
        let model = try PublishedModel(
            version: 4, weights: [Tensor(shape: [1], values: [0])], specs: [ParameterSpec(name: "w", shape: [1])],
            architecture: "mlp", incarnation: 1)
        return OpenRound(
            round: 2, sample: sample, model: model, training: TrainingConfig(epochs: 1, batchSize: 1, learningRate: 0.1, seed: 1),
            settings: fleet.settings(rounds: 1, expectedClients: 3), now: start)
    }

    func update(client: Int, samples: Int = 10) -> Inbound.Update {
        Inbound.Update(report: UpdateReport(client: client, samples: samples, trainLoss: 1, hash: ""), delta: [])
    }

    func header(_ node: String, round: Int = 2, version: Int = 4) -> Header {
        Header(kind: .update, sender: node, incarnation: 1, round: round, modelVersion: version)
    }

    func reason(_ body: () throws(WireError) -> Void) -> WireError.Reason? {
        do throws(WireError) {
            try body()
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func anUpdateCountsOnceForItsClientOnItsNodeInThisRoundOnThisVersion() throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        var open = try round(fleet: fleet)
        #expect(open.state.sampledCount == 3, "fraction 1 samples every client")
        open.timeline.onBroadcast(now: start)
        #expect(reason { () throws(WireError) in try open.onUpdate(update(client: 0), header: header("node-0", round: 1), now: start) } == .staleUpdate)
        #expect(reason { () throws(WireError) in try open.onUpdate(update(client: 0), header: header("node-0", version: 3), now: start) } == .staleUpdate)
        #expect(reason { () throws(WireError) in try open.onUpdate(update(client: 0, samples: 0), header: header("node-0"), now: start) } == .badBody)
        #expect(reason { () throws(WireError) in try open.onUpdate(update(client: 2), header: header("node-0"), now: start) } == .unexpected)
        #expect(reason { () throws(WireError) in try open.onUpdate(update(client: 0), header: header("node-0"), now: start + .seconds(1)) } == nil)
        #expect(reason { () throws(WireError) in try open.onUpdate(update(client: 0), header: header("node-0"), now: start + .seconds(2)) } == .duplicate)
        #expect(reason { () throws(WireError) in try open.onFailure(client: 1, node: "node-0", round: 2) } == nil)
        #expect(open.answered == 2)
        #expect(open.announcement.answered == [0, 1], "the round start acknowledges both")
        #expect(open.start.answered.isEmpty, "the round start as opened is kept")
        #expect(open.timeline.phases(closed: start + .seconds(3)).training == 1, "the first result came 1 s after the start")
        open.onNodeLost("node-1")
        #expect(open.state.status(now: start + .seconds(3)) == .complete, "client 2 was lost with its node")
    }

    @Test func underPrivacyTheSampleIsPoissonAndTheExpectedCountIsCK() throws {
        let fleet = try Fleet()
        defer { fleet.removeState() }
        var settings = fleet.settings(rounds: 1, expectedClients: 4)
        settings.fraction = 0.5
        settings.minimumClients = 3
        settings.privacy = DifferentialPrivacy(clippingNorm: 1, noiseMultiplier: 1, delta: 1e-5)
        var generator = SeededGenerator(seed: 1)
        var random = CryptoRandom()
        let directory = ClientDirectory([0: "a", 1: "a", 2: "b", 3: "b"])
        let sample = RoundSample(directory, settings: settings, generator: &generator, privacyRandom: &random)
        #expect(sample.samplingRate == 0.5)
        #expect(sample.expectedClients == 2)
        let drawn = sample.assignments.values.reduce(0) { $0 + $1.count }
        #expect(sample.minimumResults == min(3, drawn), "never more results than clients drawn")
        #expect(generator.state == SeededGenerator(seed: 1).state, "the seeded generator is not used under privacy")
    }
}

/// Closed rounds' completions: one at a time, in order, and a failure stops the rest.
@Suite struct CompletionQueueTests {
    actor Log {
        var items: [Int] = []
        func append(_ item: Int) { items.append(item) }
    }

    struct Failed: Error {}

    @Test func itemsCompleteInOrderAndSettleWaitsForAll() async throws {
        let queue = CompletionQueue<Int>()
        let log = Log()
        let consumer = Task { await queue.consume { item in
            try await Task.sleep(for: .milliseconds(item == 1 ? 20 : 1))
            await log.append(item)
        } }
        defer { consumer.cancel() }
        for item in 1...3 { await queue.enqueue(item) }
        try await queue.settle()
        #expect(await log.items == [1, 2, 3])
        #expect(await queue.pending == 0)
    }

    @Test func aFailureDropsTheRestAndSettleRethrowsIt() async throws {
        let queue = CompletionQueue<Int>()
        let log = Log()
        let consumer = Task { await queue.consume { item in
            if item == 2 { throw Failed() }
            await log.append(item)
        } }
        defer { consumer.cancel() }
        for item in 1...3 { await queue.enqueue(item) }
        await #expect(throws: Failed.self) { try await queue.settle() }
        #expect(await log.items == [1])
    }

    @Test func settlingAfterTheConsumerStoppedThrowsInsteadOfWaitingForever() async throws {
        let queue = CompletionQueue<Int>()
        let consumer = Task { await queue.consume { _ in } }
        consumer.cancel()
        await consumer.value
        await queue.enqueue(1)
        await #expect(throws: CancellationError.self) { try await queue.settle() }
    }
}
