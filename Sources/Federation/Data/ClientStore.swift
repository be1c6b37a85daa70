import Learning

/// The local data of a node's virtual clients: one shared data set holding every hosted
/// client's samples, client after client, and per client only the range of its rows. A
/// client's own `LabeledData` exists only while it trains (`data(of:)`), so a node's memory
/// grows with the clients training, not with those registered.
public struct ClientStore: Sendable {
    /// Every hosted client's samples, client after client, in client-id order.
    public private(set) var shared: LabeledData
    private let rows: [Int: Range<Int>]
    /// The hosted clients' ids, ascending.
    public let clients: [Int]

    /// The samples of `clients` out of `data`, each client's at `indices[client]`.
    public init(clients: [Int], indices: [[Int]], of data: LabeledData) {
        let clients = clients.sorted()
        var rows: [Int: Range<Int>] = [:]
        var gathered: [Int] = []
        for client in clients {
            rows[client] = gathered.count..<(gathered.count + indices[client].count)
            gathered += indices[client]
        }
        self.shared = data.subset(gathered)
        self.rows = rows
        self.clients = clients
    }

    /// The number of samples `client` holds, or nil when it is not hosted here.
    public func sampleCount(of client: Int) -> Int? {
        rows[client]?.count
    }

    /// A copy of `client`'s samples, for the time it trains; nil when it is not hosted here.
    public func data(of client: Int) -> LabeledData? {
        rows[client].map { shared.subset(Array($0)) }
    }

    /// The same clients over data changed sample by sample (drift, corrupted labels); `transform`
    /// must keep the number of samples.
    public func mapShared<Failure: Error>(_ transform: (LabeledData) throws(Failure) -> LabeledData) throws(Failure) -> ClientStore {
        var store = self
        store.shared = try transform(shared)
        precondition(store.shared.count == shared.count, "ClientStore: a transform changed the number of samples")
        return store
    }
}
