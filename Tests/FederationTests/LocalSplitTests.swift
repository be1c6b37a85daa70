import Learning
import Testing

@testable import Federation

/// A node's own data: a held-out share never trained on, the rest among its hosted clients.
@Suite struct LocalSplitTests {
    /// `count` samples whose single feature is their index, labels index mod 3.
    static func data(_ count: Int) -> LabeledData {
        LabeledData(features: (0..<count).map(Float.init), labels: (0..<count).map { Int32($0 % 3) }, featureShape: [1], classCount: 3)
    }

    @Test func everySampleIsHeldOutOrTrainedOnByExactlyOneHostedClient() throws {
        let store = try LocalSplit.split(Self.data(120), clients: [7, 3, 11], partition: .iid, holdout: 0.1, seed: 5)
        #expect(store.clients == [3, 7, 11])
        // 40 samples a client, 4 of them held out.
        #expect(store.clients.map { store.sampleCount(of: $0)! } == [36, 36, 36])
        #expect(store.clients.map { store.heldOutCount(of: $0) } == [4, 4, 4])
        let trained = try store.clients.flatMap { try #require(store.data(of: $0)).features }
        let heldOut = try store.clients.flatMap { try #require(store.heldOutData(of: $0)).features }
        #expect(Set(trained).count == 108 && trained.count == 108 && heldOut.count == 12)
        #expect(Set(trained).isDisjoint(with: heldOut))
        #expect(Set(trained + heldOut) == Set((0..<120).map(Float.init)))
        #expect(try #require(store.heldOut).features == heldOut, "all held-out samples, client after client")
        #expect(store.sampleCount(of: 0) == nil && store.heldOutCount(of: 0) == 0 && store.heldOutData(of: 0) == nil)
    }

    @Test func theSplitIsSeeded() throws {
        func split(_ seed: UInt64) throws -> [Float] {
            let store = try LocalSplit.split(Self.data(50), clients: [0, 1], partition: .iid, holdout: 0.2, seed: seed)
            return store.shared.features + (store.heldOut?.features ?? [])
        }
        #expect(try split(3) == split(3))
        #expect(try split(3) != split(4))
    }

    @Test func labelPartitionsApplyWithinTheNode() throws {
        // Shards: each client gets two label-sorted shards, so at most two labels.
        let store = try LocalSplit.split(Self.data(120), clients: [0, 2, 4], partition: .shards, holdout: 0, seed: 1)
        #expect(store.heldOut == nil)
        for client in store.clients {
            #expect(Set(try #require(store.data(of: client)).labels).count <= 2)
        }
    }

    @Test func tooFewSamplesOrABadShareAreRefused() {
        #expect(throws: PlanError.self) { try LocalSplit.split(Self.data(7), clients: [0, 1, 2, 3], partition: .iid, holdout: 0.25, seed: 1) }
        #expect(throws: PlanError.self) { try LocalSplit.split(Self.data(40), clients: [0], partition: .iid, holdout: 1, seed: 1) }
        #expect(throws: PlanError.self) { try LocalSplit.split(Self.data(40), clients: [], partition: .iid, holdout: 0.1, seed: 1) }
    }
}
