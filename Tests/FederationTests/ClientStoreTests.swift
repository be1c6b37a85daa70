import Learning
import Testing

@testable import Federation

@Suite struct ClientStoreTests {
    /// Six samples whose single feature is their index, labels index mod 3.
    let data = LabeledData(
        features: (0..<6).map(Float.init), labels: (0..<6).map { Int32($0 % 3) }, featureShape: [1], classCount: 3)
    let indices = [[5, 0], [1], [4, 2, 3]]

    @Test func keepsOnlyTheHostedClientsSamplesOnce() {
        let store = ClientStore(clients: [2, 0], indices: indices, of: data)
        #expect(store.clients == [0, 2])
        #expect(store.shared.features == [5, 0, 4, 2, 3])
        #expect(store.sampleCount(of: 0) == 2)
        #expect(store.sampleCount(of: 2) == 3)
        #expect(store.sampleCount(of: 1) == nil)
    }

    @Test func aStoreOverLoadedRowsEqualsOneCutFromTheWholeSet() {
        let rows = ClientStore.rows(of: [2, 0], in: indices)
        #expect(rows == [5, 0, 4, 2, 3])
        let loaded = ClientStore(clients: [2, 0], indices: indices, loaded: data.subset(rows))
        let cut = ClientStore(clients: [2, 0], indices: indices, of: data)
        #expect(loaded.shared.features == cut.shared.features)
        #expect(loaded.data(of: 2)?.features == [4, 2, 3])
    }

    @Test func materialisesAClientsOwnSamplesOnDemand() {
        let store = ClientStore(clients: [0, 2], indices: indices, of: data)
        #expect(store.data(of: 2)?.features == [4, 2, 3])
        #expect(store.data(of: 2)?.labels == [1, 2, 0])
        #expect(store.data(of: 0)?.features == [5, 0])
        #expect(store.data(of: 1) == nil)
    }

    @Test func aTransformOfTheSharedDataReachesEveryClient() {
        let store = ClientStore(clients: [0, 2], indices: indices, of: data).mapShared { shared in
            var flipped = shared
            flipped.labels = shared.labels.map { 2 - $0 }
            return flipped
        }
        #expect(store.data(of: 0)?.labels == [0, 2])
        #expect(store.data(of: 2)?.labels == [1, 0, 2])
    }
}
