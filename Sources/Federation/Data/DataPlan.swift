import Learning

/// How a data set is split into clients and which clients a node hosts. Every node
/// computes the same split from the same seed and keeps only its own clients' data.
public struct DataPlan: Sendable, Equatable {
    /// How the training set is divided among clients.
    public enum Partition: Sendable, Equatable, CustomStringConvertible {
        /// Uniformly at random, equal sizes.
        case iid
        /// The FedAvg paper's pathological non-IID split: sorted by label, two shards per client.
        case shards
        /// Label skew: each label's samples split among clients by Dirichlet(α) proportions.
        case dirichlet(alpha: Double)
        /// Quantity skew: IID labels, client sizes in Dirichlet(β) proportions.
        case quantity(beta: Double)

        /// Each sample group (Shakespeare's speaking roles) wholly on one client (non-IID).
        case roles

        /// Every form `init` parses.
        public static let forms = "iid, shards, roles, dirichlet:ALPHA, quantity:BETA"

        /// Parses `iid`, `shards`, `roles`, `dirichlet:ALPHA` or `quantity:BETA` (ALPHA, BETA > 0).
        public init(_ text: String) throws(PlanError) {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            let parameter = parts.count == 2 ? Double(parts[1]).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } : nil
            switch (parts.first ?? "", parameter) {
            case ("iid", nil) where parts.count == 1: self = .iid
            case ("shards", nil) where parts.count == 1: self = .shards
            case ("roles", nil) where parts.count == 1: self = .roles
            case ("dirichlet", let alpha?): self = .dirichlet(alpha: alpha)
            case ("quantity", let beta?): self = .quantity(beta: beta)
            default: throw PlanError("unknown partition '\(text)'; known: \(Self.forms) (ALPHA, BETA > 0)")
            }
        }

        public var description: String {
            switch self {
            case .iid: "iid"
            case .shards: "shards"
            case .dirichlet(let alpha): "dirichlet:\(alpha)"
            case .quantity(let beta): "quantity:\(beta)"
            case .roles: "roles"
            }
        }
    }

    public var clients: Int
    public var partition: Partition
    public var seed: UInt64

    public init(clients: Int, partition: Partition, seed: UInt64) {
        self.clients = clients
        self.partition = partition
        self.seed = seed
    }

    /// Sample indices of every client, in client-id order. `groups` (one per sample) is needed by `.roles`.
    public func clientIndices(labels: [Int32], groups: [Int32]? = nil) throws(PlanError) -> [[Int]] {
        switch partition {
        case .iid: return Partitioner.iid(count: labels.count, clients: clients, seed: seed)
        case .shards: return Partitioner.shards(labels: labels, clients: clients, shardsPerClient: 2, seed: seed)
        case .roles:
            guard let groups else { throw PlanError("partition 'roles' needs a data set with roles (shakespeare)") }
            return Partitioner.byGroup(groups: groups, clients: clients, seed: seed)
        case .dirichlet(let alpha): return SkewedPartitioner.dirichlet(labels: labels, clients: clients, alpha: alpha, seed: seed)
        case .quantity(let beta): return SkewedPartitioner.quantity(count: labels.count, clients: clients, beta: beta, seed: seed)
        }
    }

    /// The client ids hosted by node `index` of `count`: every `count`-th client.
    public func clients(ofNode index: Int, count: Int) -> [Int] {
        Array(stride(from: index, to: clients, by: count))
    }
}

/// A plan that cannot be carried out, with the reason.
public struct PlanError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension TrainingConfig {
    /// The configuration one client uses in one round: the same hyper-parameters, and
    /// a seed of its own derived from the round's seed, the round and the client.
    public func forClient(_ client: Int, round: Int) -> TrainingConfig {
        var config = self
        var mixer = SeededGenerator(seed: seed ^ (UInt64(truncatingIfNeeded: round) &* 0x9E37_79B9_7F4A_7C15)
            ^ (UInt64(truncatingIfNeeded: client) &* 0xBF58_476D_1CE4_E5B9))
        config.seed = mixer.next()
        return config
    }
}
