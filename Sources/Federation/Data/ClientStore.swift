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
    /// Samples of the node's own data that no client trains on, client after client in id
    /// order, for federated evaluation and field accuracy (`LocalSplit`); nil when the node's
    /// data is a built-in data set's share.
    public private(set) var heldOut: LabeledData?
    /// Each client's rows of `heldOut`.
    private var heldOutRows: [Int: Range<Int>] = [:]

    /// The samples of `clients` out of `data`, each client's at `indices[client]`.
    public init(clients: [Int], indices: [[Int]], of data: LabeledData) {
        self.init(clients: clients, indices: indices, loaded: data.subset(Self.rows(of: clients, in: indices)))
    }

    /// A store over `samples`, which holds exactly the rows `rows(of: clients, in: indices)`
    /// names, in that order (for example as a data set loaded them).
    public init(clients: [Int], indices: [[Int]], loaded samples: LabeledData) {
        let clients = clients.sorted()
        var rows: [Int: Range<Int>] = [:]
        var next = 0
        for client in clients {
            rows[client] = next..<(next + indices[client].count)
            next += indices[client].count
        }
        precondition(samples.count == next, "ClientStore: \(samples.count) samples loaded for \(next) rows")
        self.shared = samples
        self.rows = rows
        self.clients = clients
    }

    /// The same store with `heldOut[i]` (the rows of `data` at those indices, by client id) held
    /// out for evaluation.
    func holdingOut(_ heldOut: [Int: [Int]], of data: LabeledData) -> ClientStore {
        var store = self
        var (rows, next) = ([Int](), 0)
        for client in clients {
            let indices = heldOut[client] ?? []
            store.heldOutRows[client] = next..<(next + indices.count)
            rows += indices
            next += indices.count
        }
        store.heldOut = rows.isEmpty ? nil : data.subset(rows)
        return store
    }

    /// `client`'s held-out samples; nil when it holds none out or is not hosted here.
    public func heldOutData(of client: Int) -> LabeledData? {
        guard let heldOut, let rows = heldOutRows[client], !rows.isEmpty else { return nil }
        return heldOut.subset(Array(rows))
    }

    /// The number of samples `client` holds out (0 when none or not hosted here).
    public func heldOutCount(of client: Int) -> Int { heldOutRows[client]?.count ?? 0 }

    /// The data set rows a store of `clients` keeps, client after client in id order.
    public static func rows(of clients: [Int], in indices: [[Int]]) -> [Int] {
        clients.sorted().flatMap { indices[$0] }
    }

    /// The number of samples `client` holds, or nil when it is not hosted here.
    public func sampleCount(of client: Int) -> Int? {
        rows[client]?.count
    }

    /// A copy of `client`'s samples, for the time it trains; nil when it is not hosted here.
    public func data(of client: Int) -> LabeledData? {
        rows[client].map { shared.subset(Array($0)) }
    }

    /// The same clients over data changed sample by sample (drift, corrupted labels), the
    /// held-out samples too; `transform` must keep the number of samples.
    public func mapShared<Failure: Error>(_ transform: (LabeledData) throws(Failure) -> LabeledData) throws(Failure) -> ClientStore {
        var store = self
        store.shared = try transform(shared)
        store.heldOut = try heldOut.map(transform)
        precondition(store.shared.count == shared.count && store.heldOut?.count == heldOut?.count,
                     "ClientStore: a transform changed the number of samples")
        return store
    }
}
