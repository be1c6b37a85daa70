import FedzProtocol
import Foundation
import Learning
import Testing

@testable import Federation

/// The pieces that carry secure aggregation across processes: early stage closing on
/// dropouts, thresholds, and the optional round-start and round-result fields.
@Suite struct SecureAggregationWiringTests {
    typealias Fixtures = SecureAggregationFixtures

    @Test func aStageClosesAsSoonAsItWaitsOnlyForLostClients() throws {
        let config = Fixtures.config(clients: 6, threshold: 4)
        let now = ContinuousClock.now
        var server = try SecAggServer(config: config, now: now)
        var random = CryptoRandom(seed: [UInt8](repeating: 3, count: 32))
        let clients = try config.participants.map { try SecAggClient(id: $0, config: config, random: CryptoRandom(seed: random.bytes(32))) }
        for client in clients.dropLast(2) { #expect(try server.onKeys(client.publicKeys, now: now) == .wait) }
        #expect(server.awaited == Set(config.participants.suffix(2)))
        #expect(server.onDropout([config.participants[5]], now: now) == .wait)
        guard case .sendKeyDirectories(let directories) = server.onDropout([config.participants[4]], now: now) else {
            Issue.record("the stage did not close: \(server.stage)")
            return
        }
        #expect(Set(directories.keys) == Set(config.participants.prefix(4)))
        #expect(server.stage == .shareKeys && server.awaited == Set(config.participants.prefix(4)))
    }

    @Test func tooManyLostClientsAbortTheRound() throws {
        let config = Fixtures.config(clients: 6, threshold: 4)
        var server = try SecAggServer(config: config, now: .now)
        guard case .aborted(let abort) = server.onDropout(Set(config.participants), now: .now) else {
            Issue.record("no abort")
            return
        }
        #expect(abort.stage == .advertiseKeys)
        #expect(server.onTick(now: .now + .seconds(3600)) == .wait)
    }

    @Test func thresholdsParseAndResolveWithinTheNeighbourhood() {
        #expect(SecAggThreshold("8") == .count(8))
        #expect(SecAggThreshold("0.5") == .fraction(0.5))
        for bad in ["1", "0", "1.0", "-3", "x", "0.0"] { #expect(SecAggThreshold(bad) == nil, "\(bad)") }
        #expect(SecAggThreshold.fraction(0.5).resolve(neighbourhoodSize: 15) == 8)
        #expect(SecAggThreshold.fraction(0.5).resolve(neighbourhoodSize: 3) == 2)
        #expect(SecAggThreshold.fraction(0.1).resolve(neighbourhoodSize: 3) == 2)
        #expect(SecAggThreshold.count(8).resolve(neighbourhoodSize: 5) == 5)
    }

    @Test func theDefaultFractionIsASafeThresholdForEveryNeighbourhood() {
        for size in 2...200 {
            let resolved = SecAggThreshold.fraction(0.5).resolve(neighbourhoodSize: size)
            #expect(resolved == SecAggConfig.minimumSafeThreshold(neighbourhoodSize: size), "neighbourhood \(size)")
            #expect(2 * resolved > size, "neighbourhood \(size)")
        }
    }

    @Test func aCoordinatorCannotAllowAnUnsafeThresholdForTheClients() throws {
        var config = Fixtures.config(clients: 6, threshold: 3)
        config.allowUnsafeThreshold = true
        let json = try JSONEncoder().encode(config)
        let fields = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(fields["allowUnsafeThreshold"] == nil)
        var forged = fields
        forged["allowUnsafeThreshold"] = true
        let received = try JSONDecoder().decode(SecAggConfig.self, from: JSONSerialization.data(withJSONObject: forged))
        #expect(received.threshold == 3 && !received.allowUnsafeThreshold)
        #expect { try received.validate() } throws: { ($0 as? SecAggError)?.kind == .invalidConfig }
    }

    @Test func roundStartsWithoutTheNewFieldsStillDecode() throws {
        let old = #"{"round":4,"modelVersion":3,"modelHash":"ab","assignments":{"node-0":[3]},"#
            + #""training":{"epochs":5,"batchSize":10,"learningRate":0.05,"seed":1},"deadlineSeconds":60,"answered":[]}"#
        let start = try JSONDecoder().decode(RoundStart.self, from: Data(old.utf8))
        #expect(start.secureAggregation == nil && start.sampleTotal == nil && start.privacy == nil)
        var secure = start
        secure.secureAggregation = Fixtures.config(clients: 3, threshold: 2)
        secure.sampleTotal = 1800
        secure.privacy = DifferentialPrivacy(clippingNorm: 1, noiseMultiplier: 1.1)
        #expect(try JSONDecoder().decode(RoundStart.self, from: JSONEncoder().encode(secure)) == secure)
    }

    @Test func roundResultsCarryEpsilonAndStageTimesOnlyWhenSet() throws {
        var result = RoundResult(
            round: 1, modelVersion: 1, participants: 2, sampled: 2, trainLoss: 0.5, testLoss: 0.4, testAccuracy: 0.9, seconds: 1)
        let plain = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any])
        #expect(plain["epsilon"] == nil && plain["secagg_stage_seconds"] == nil)
        result.epsilon = 4.2
        result.stageSeconds = ["unmasking": 0.5]
        let secure = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any])
        #expect(secure["epsilon"] as? Double == 4.2)
        #expect((secure["secagg_stage_seconds"] as? [String: Double])?["unmasking"] == 0.5)
    }
}
