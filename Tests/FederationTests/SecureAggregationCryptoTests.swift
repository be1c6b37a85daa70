import Learning
import Testing

@testable import Federation

@Suite struct SecureAggregationCryptoTests {
    typealias Fixtures = SecureAggregationFixtures

    /// A round of 5 stopped where the share deliveries are out, and one recipient.
    private func deliveries() throws -> (SecAggLocalRound, Int, SecAggShares) {
        let config = Fixtures.config(clients: 5, threshold: 3, length: 8)
        var round = try SecAggLocalRound(config: config, seed: 8, now: .now)
        round.advertiseKeys()
        round.shareKeys()
        guard case .sendShareDeliveries(let deliveries) = round.directive else {
            throw SecAggError(.wrongStage, "no share deliveries")
        }
        let id = config.participants[2]
        return (round, id, deliveries[id]!)
    }

    @Test func untouchedSharesOpen() throws {
        let (round, id, delivery) = try deliveries()
        var client = round.clients[id]!
        #expect(delivery.shares.count == 4)
        #expect(try client.onShareDelivery(delivery, input: [UInt32](repeating: 0, count: 8)).values.count == 8)
    }

    @Test(arguments: [0, 12, 40, 95])
    func aTamperedShareCiphertextIsRejected(byte: Int) throws {
        let (round, id, delivery) = try deliveries()
        var client = round.clients[id]!
        var tampered = delivery
        tampered.shares[1].ciphertext[byte % tampered.shares[1].ciphertext.count] ^= 0x01
        // swift-crypto reports a failed tag as a generic core-crypto error; the kind is what counts.
        #expect { try client.onShareDelivery(tampered, input: [UInt32](repeating: 0, count: 8)) } throws: {
            ($0 as? SecAggError)?.kind == .undecryptableShare
        }
    }

    @Test func aShareRelabelledWithAnotherSenderIsRejected() throws {
        let (round, id, delivery) = try deliveries()
        var client = round.clients[id]!
        var relabelled = delivery
        (relabelled.shares[0].from, relabelled.shares[1].from) = (relabelled.shares[1].from, relabelled.shares[0].from)
        #expect { try client.onShareDelivery(relabelled, input: [UInt32](repeating: 0, count: 8)) } throws: {
            ($0 as? SecAggError)?.kind == .undecryptableShare
        }
    }

    @Test func aDeliveryForAnotherClientIsRefused() throws {
        let (round, id, delivery) = try deliveries()
        var client = round.clients[id]!
        var misrouted = delivery
        misrouted.client = id + 7
        #expect { try client.onShareDelivery(misrouted, input: [UInt32](repeating: 0, count: 8)) } throws: {
            ($0 as? SecAggError)?.kind == .unknownParticipant
        }
    }

    @Test func cryptoRandomIsReproducibleFromItsSeedOnly() {
        var a = CryptoRandom(seed: [UInt8](repeating: 1, count: 32))
        var b = CryptoRandom(seed: [UInt8](repeating: 1, count: 32))
        var c = CryptoRandom(seed: [UInt8](repeating: 2, count: 32))
        let first = (0..<1_000).map { _ in a.next() }
        #expect(first == (0..<1_000).map { _ in b.next() })
        #expect(first != (0..<1_000).map { _ in c.next() })
        var system = CryptoRandom()
        var another = CryptoRandom()
        #expect(system.bytes(32) != another.bytes(32))
    }

    @Test func masksCancelAndDependOnTheKey() {
        let key = SecAggCrypto.selfMaskKey(seed: [UInt8](repeating: 3, count: 32), round: 1)
        let original = (0..<(Keystream.chunkWords + 37)).map { UInt32(truncatingIfNeeded: $0 &* 2_654_435_761) }
        var values = original
        Keystream.accumulate(key, into: &values)
        #expect(values != original)
        // Chunks use distinct nonces: the stream does not repeat at the chunk boundary.
        var zeros = [UInt32](repeating: 0, count: Keystream.chunkWords + 4)
        Keystream.accumulate(key, into: &zeros)
        #expect(zeros.prefix(4) != zeros.suffix(4))
        Keystream.accumulate(key, negated: true, into: &values)
        #expect(values == original)
        var other = original
        Keystream.accumulate(SecAggCrypto.selfMaskKey(seed: [UInt8](repeating: 3, count: 32), round: 2), into: &other)
        Keystream.accumulate(key, negated: true, into: &other)
        #expect(other != original, "the round salts the mask")
    }

    @Test func quantisationClipsAndIsUnbiased() {
        let quantizer = SecAggQuantizer(clippingRange: 1, levels: 1_000)
        var generator = SeededGenerator(seed: 6)
        #expect(quantizer.quantize([-5, 5, -1, 1], using: &generator) == [0, 1_000, 0, 1_000])
        let levels = quantizer.quantize([Float](repeating: 0.0003, count: 20_000), using: &generator)
        #expect(Set(levels) == [500, 501])
        let mean = quantizer.dequantize(sum: [levels.reduce(0, +)], contributors: levels.count)[0] / Float(levels.count)
        #expect(abs(mean - 0.0003) < 0.0001)
    }
}
