import Learning
import Testing

@testable import Federation

@Suite struct SecureAggregationRoundTests {
    typealias Fixtures = SecureAggregationFixtures
    static let stages: [SecAggServer.Stage] = [.advertiseKeys, .shareKeys, .maskedInput, .unmasking]

    @Test func unmaskedSumEqualsThePlainSumOfQuantisedInputs() throws {
        let config = Fixtures.config(clients: 8, threshold: 5)
        let inputs = Fixtures.quantisedInputs(config, seed: 11)
        let outcome = try Fixtures.run(config, inputs: inputs)
        #expect(outcome == .finished(SecAggSum(values: Fixtures.plainSum(inputs, of: config.participants), contributors: config.participants)))
    }

    @Test func sparseNeighbourGraphSumsExactly() throws {
        let config = Fixtures.config(clients: 21, neighbours: 6, threshold: 4, length: 40)
        let inputs = Fixtures.quantisedInputs(config, seed: 12)
        var round = try SecAggLocalRound(config: config, seed: 2, now: .now)
        round.advertiseKeys()
        guard case .sendKeyDirectories(let directories) = round.directive else {
            Issue.record("no key directories: \(round.directive)")
            return
        }
        #expect(directories.values.allSatisfy { $0.keys.count == 6 })
        round.shareKeys()
        round.maskInputs { inputs[$0]! }
        round.unmask()
        #expect(round.directive == .finished(SecAggSum(values: Fixtures.plainSum(inputs, of: config.participants), contributors: config.participants)))
    }

    @Test func secureFedAvgMatchesPlainFedAvgWithinTheQuantisationError() throws {
        var generator = SeededGenerator(seed: 21)
        let shapes = [[3, 4], [5]]
        let samples = [120, 40, 300, 75, 60]
        let updates = samples.enumerated().map { client, count in
            ClientUpdate(client: client, node: "n", samples: count, trainLoss: 0, delta: shapes.map { shape in
                Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -0.5...0.5, using: &generator) })
            })
        }
        let global = shapes.map { Tensor(shape: $0, values: [Float](repeating: 0, count: $0.reduce(1, *))) }
        let expected = FedAvg().aggregate(global: global, updates: updates).flatMap(\.values)

        var config = Fixtures.config(clients: samples.count, threshold: 3, length: expected.count + 1)
        config.participants = Array(samples.indices)
        let quantizer = SecAggQuantizer(config: config)
        let total = Float(samples.reduce(0, +))
        let inputs = Dictionary(uniqueKeysWithValues: updates.map { update in
            let weighted = SecAggAveraging.weightedInput(
                delta: update.delta.flatMap(\.values), weight: Float(update.samples) / total)
            return (update.client, quantizer.quantize(weighted, using: &generator))
        })
        guard case .finished(let sum) = try Fixtures.run(config, inputs: inputs) else {
            Issue.record("the round did not finish")
            return
        }
        let average = try #require(SecAggAveraging.average(ofSum: quantizer.dequantize(sum: sum.values, contributors: samples.count)))
        let bound = Double(samples.count) * quantizer.step * 2
        let worst = zip(average, expected).map { Double(abs($0 - $1)) }.max()!
        #expect(worst <= bound, "error \(worst), bound \(bound)")
    }

    @Test(arguments: stages)
    func upToNMinusTDropoutsAtOneStageAreRecovered(stage: SecAggServer.Stage) throws {
        let config = Fixtures.config(clients: 8, threshold: 5)
        let inputs = Fixtures.quantisedInputs(config, seed: 13)
        let gone = [config.participants[1], config.participants[4], config.participants[7]]
        let outcome = try Fixtures.run(config, inputs: inputs, dropouts: Dictionary(uniqueKeysWithValues: gone.map { ($0, stage) }))
        // A client that vanishes at unmasking has already sent its masked input.
        let contributors = stage == .unmasking ? config.participants : config.participants.filter { !gone.contains($0) }
        #expect(outcome == .finished(SecAggSum(values: Fixtures.plainSum(inputs, of: contributors), contributors: contributors)))
    }

    @Test func dropoutsSpreadOverStagesAreRecovered() throws {
        let config = Fixtures.config(clients: 9, threshold: 5)
        let inputs = Fixtures.quantisedInputs(config, seed: 14)
        let ids = config.participants
        let dropouts: [Int: SecAggServer.Stage] = [ids[0]: .advertiseKeys, ids[2]: .shareKeys, ids[5]: .maskedInput, ids[8]: .unmasking]
        let contributors = ids.filter { ![ids[0], ids[2], ids[5]].contains($0) }
        #expect(try Fixtures.run(config, inputs: inputs, dropouts: dropouts)
            == .finished(SecAggSum(values: Fixtures.plainSum(inputs, of: contributors), contributors: contributors)))
    }

    @Test(arguments: stages)
    func moreThanNMinusTDropoutsAbortWithAReason(stage: SecAggServer.Stage) throws {
        let config = Fixtures.config(clients: 8, threshold: 5)
        let gone = config.participants.suffix(4)
        let outcome = try Fixtures.run(
            config, inputs: Fixtures.quantisedInputs(config, seed: 15),
            dropouts: Dictionary(uniqueKeysWithValues: gone.map { ($0, stage) }))
        guard case .aborted(let abort) = outcome else {
            Issue.record("expected an abort, got \(outcome)")
            return
        }
        #expect(abort.stage == stage)
        #expect(abort.reason.contains("threshold 5"), "\(abort.reason)")
    }

    @Test func sparseGraphAbortsWhenOneNeighbourhoodLosesTooMany() throws {
        let config = Fixtures.config(clients: 15, neighbours: 4, threshold: 3)
        let graph = NeighbourGraph(config: config)
        let victim = config.participants[6]
        // Three of the victim's four neighbours leave: 2 of its 5 remain, below t = 3.
        let gone = graph.neighbourhood(of: victim).subtracting([victim]).sorted().prefix(3)
        let outcome = try Fixtures.run(
            config, inputs: Fixtures.quantisedInputs(config, seed: 16),
            dropouts: Dictionary(uniqueKeysWithValues: gone.map { ($0, .shareKeys) }))
        guard case .aborted(let abort) = outcome else {
            Issue.record("expected an abort, got \(outcome)")
            return
        }
        #expect(abort.stage == .shareKeys)
    }

    @Test func serverRefusesMessagesOutsideTheProtocol() throws {
        let config = Fixtures.config(clients: 4, threshold: 3)
        var server = try SecAggServer(config: config, now: .now)
        var random = CryptoRandom(seed: [UInt8](repeating: 9, count: 32))
        let client = try SecAggClient(id: config.participants[0], config: config, random: random)
        #expect(try server.onKeys(client.publicKeys, now: .now) == .wait)
        #expect(throws: SecAggError.self) { try server.onKeys(client.publicKeys, now: .now) }
        var stranger = client.publicKeys
        stranger.client = 999
        #expect(throws: SecAggError.self) { try server.onKeys(stranger, now: .now) }
        var stale = client.publicKeys
        stale.round = 2
        #expect(throws: SecAggError.self) { try server.onKeys(stale, now: .now) }
        #expect(throws: SecAggError.self) {
            try server.onMaskedInput(SecAggMaskedInput(round: 3, client: config.participants[0], values: []), now: .now)
        }
        let other = try SecAggClient(id: config.participants[1], config: config, random: CryptoRandom(seed: random.bytes(32)))
        #expect(try server.onKeys(other.publicKeys, now: .now) == .wait)
        #expect(server.onTick(now: .now) == .wait, "the deadline has not passed")
        guard case .aborted(let abort) = server.onTick(now: server.deadline) else {
            Issue.record("2 of 4 with threshold 3 must abort")
            return
        }
        #expect(abort.stage == .advertiseKeys)
        #expect(throws: SecAggError.self) { try server.onKeys(other.publicKeys, now: .now) }
    }

    @Test func clientRefusesToRevealBothSecretsOfOneNeighbour() throws {
        let config = Fixtures.config(clients: 5, threshold: 3, length: 8)
        var round = try SecAggLocalRound(config: config, seed: 4, now: .now)
        round.advertiseKeys()
        round.shareKeys()
        round.maskInputs { _ in [UInt32](repeating: 1, count: 8) }
        guard case .sendUnmaskRequests(let requests) = round.directive else {
            Issue.record("no unmask requests: \(round.directive)")
            return
        }
        let id = config.participants[0]
        var client = round.clients[id]!
        var greedy = requests[id]!
        greedy.dropped = [greedy.survivors.last!]
        #expect { try client.onUnmaskRequest(greedy) } throws: { ($0 as? SecAggError)?.kind == .inconsistentRequest }
        let reply = try client.onUnmaskRequest(requests[id]!)
        #expect(reply.selfMaskShares.map(\.owner) == requests[id]!.survivors)
        #expect(reply.maskingKeyShares.isEmpty)
    }

    @Test func invalidConfigurationsAreRefused() {
        let good = Fixtures.config(clients: 6, threshold: 4)
        #expect(throws: Never.self) { try good.validate() }
        var bad = good
        bad.threshold = 7
        #expect(throws: SecAggError.self) { try bad.validate() }
        bad = good
        bad.threshold = 1
        #expect(throws: SecAggError.self) { try bad.validate() }
        bad = good
        bad.participants = [1, 1, 2, 3, 4, 5]
        #expect(throws: SecAggError.self) { try bad.validate() }
        bad = good
        bad.neighbours = 2
        #expect(throws: SecAggError.self, "threshold 4 exceeds a neighbourhood of 3") { try bad.validate() }
    }

    @Test(arguments: [-1, Int.min, SecAggConfig.maximumClientID + 1, Int(PrimeField.modulus) - 1])
    func participantIDsOutsideTheBoundAreRefused(id: Int) {
        var config = Fixtures.config(clients: 6, threshold: 4)
        #expect(throws: Never.self) { try config.validate() }
        config.participants[2] = id
        #expect { try config.validate() } throws: { ($0 as? SecAggError)?.kind == .invalidConfig }
        config.participants[2] = SecAggConfig.maximumClientID
        #expect(throws: Never.self) { try config.validate() }
    }

    @Test func thresholdsOfHalfTheNeighbourhoodAreRefusedUnlessAllowed() throws {
        // Complete graph of 6 (neighbourhood 6) and a sparse one of 21 with neighbourhoods of 7.
        for (unsafe, safe) in [(Fixtures.config(clients: 6, threshold: 3), 4), (Fixtures.config(clients: 21, neighbours: 6, threshold: 3), 4)] {
            #expect(SecAggConfig.minimumSafeThreshold(neighbourhoodSize: NeighbourGraph(config: unsafe).neighbourhoodSize) == safe)
            #expect { try unsafe.validate() } throws: { ($0 as? SecAggError)?.kind == .invalidConfig }
            #expect { _ = try SecAggClient(id: unsafe.participants[0], config: unsafe, random: CryptoRandom()) } throws: {
                ($0 as? SecAggError)?.kind == .invalidConfig
            }
            var allowed = unsafe
            allowed.allowUnsafeThreshold = true
            #expect(throws: Never.self) { try allowed.validate() }
            var raised = unsafe
            raised.threshold = safe
            #expect(throws: Never.self) { try raised.validate() }
        }
    }

    @Test func sharePointsArePositionsInTheSortedParticipants() {
        var config = Fixtures.config(clients: 4, threshold: 3)
        config.participants = [SecAggConfig.maximumClientID, 0, 12, 3]
        #expect(config.sharePoints == [0: 1, 3: 2, 12: 3, SecAggConfig.maximumClientID: 4])
    }

    @Test(arguments: [SecAggServer.Stage.maskedInput, .unmasking])
    func extremeIDsWithDropoutsSumExactly(stage: SecAggServer.Stage) throws {
        var config = Fixtures.config(clients: 8, threshold: 5)
        let largest = SecAggConfig.maximumClientID
        config.participants = [0, 1, 2, 1 << 20, largest - 2, largest - 1, largest, 9]
        let inputs = Fixtures.quantisedInputs(config, seed: 17)
        // Leaving after sharing their keys, 0 and the largest id make the server reconstruct
        // their masking keys (at .maskedInput); the survivors' self-mask seeds are always rebuilt.
        let gone = [0, largest]
        let outcome = try Fixtures.run(config, inputs: inputs, dropouts: Dictionary(uniqueKeysWithValues: gone.map { ($0, stage) }))
        let contributors = stage == .unmasking ? config.participants.sorted() : config.participants.filter { !gone.contains($0) }.sorted()
        #expect(outcome == .finished(SecAggSum(values: Fixtures.plainSum(inputs, of: contributors), contributors: contributors)))
    }

    @Test func revealedSharesSitAtTheHoldersPositionsNotTheirIDs() throws {
        var config = Fixtures.config(clients: 5, threshold: 3, length: 8)
        config.participants = [SecAggConfig.maximumClientID, 40, 3, 1_000, 0]
        var round = try SecAggLocalRound(config: config, seed: 9, now: .now)
        round.advertiseKeys()
        round.shareKeys()
        round.maskInputs { _ in [UInt32](repeating: 1, count: 8) }
        guard case .sendUnmaskRequests(let requests) = round.directive else {
            Issue.record("no unmask requests: \(round.directive)")
            return
        }
        let id = SecAggConfig.maximumClientID
        var client = round.clients[id]!
        let reply = try client.onUnmaskRequest(requests[id]!)
        #expect(reply.selfMaskShares.count == 5)
        #expect(reply.selfMaskShares.allSatisfy { $0.share.x == 5 })
        var atID = reply
        for index in atID.selfMaskShares.indices { atID.selfMaskShares[index].share.x = UInt64(id) + 1 }
        var server = round.server
        #expect { try server.onUnmaskReply(atID, now: .now) } throws: { ($0 as? SecAggError)?.kind == .malformed }
        #expect(try server.onUnmaskReply(reply, now: .now) == .wait)
    }
}
