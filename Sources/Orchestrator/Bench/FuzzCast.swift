import Federation
import FedzProtocol
import Learning

/// Who takes part in an authenticated fuzzing run and what they share: the fuzzing keys
/// `node-0` … `node-(K-1)`, a victim key `node-K` that says hello once and then stays silent
/// (its clients are what stolen hellos claim), the model the coordinator trains and a
/// model-shaped delta with its hash.
///
/// Every key pushes on one lane only — even keys control messages on `fedz/1/control/`,
/// odd keys every kind on `fedz/1/report/`, as a node with one socket does — so that the
/// coordinator handles each key's messages in the order they were sent, and their outcomes
/// follow from the messages alone.
struct FuzzCast: Sendable {
    /// Fuzzing keys.
    let keys: Int
    let architecture = "mlp"
    let specs: [ParameterSpec]
    /// A delta of the model's names and shapes, and its content hash.
    let delta: [WireTensor]
    let deltaHash: String

    /// The version a fresh registry gives the initial weights (its first row): the only one a
    /// coordinator waiting for its first round serves.
    static let servedVersion = 1
    /// The clients the victim hosts: the edges of the id range among them.
    static let victimClients = [0, 1, 2, 999_999, Int(Int32.max)].map { ClientInfo(id: $0, samples: 600) }
    /// Clients in a key's closing hello: a count no other hello has, so that a node listing
    /// exactly this many shows the coordinator has handled all of that key's messages.
    static let closingClientCount = 23
    /// Ids reserved for each key: its hellos list only these (and, to steal them, the victim's).
    static let clientsPerKey = 100_000
    /// A key's closing hello takes the ids from this offset in its range.
    static let closingOffset = 90_000

    init(keys: Int) throws {
        self.keys = keys
        specs = try ModelZoo.learner(architecture, seed: 1).parameterSpecs
        let tensors = specs.map { spec in
            let count = spec.shape.reduce(1, *)
            return Tensor(shape: spec.shape, values: (0..<count).map { Float($0 % 7) * 0.001 })
        }
        delta = ModelCodec.wireTensors(tensors, specs: specs)
        deltaHash = ModelCodec.contentHash(tensors)
    }

    /// The name fuzzing key `index` is listed with.
    func name(_ index: Int) -> String { "node-\(index)" }

    /// The silent key whose clients stolen hellos claim.
    var victim: String { name(keys) }

    /// The lane key `index` pushes on.
    func topic(_ index: Int) -> Topic { index.isMultiple(of: 2) ? .control : .report }

    /// The first client id reserved for key `index`.
    static func firstClient(of index: Int) -> Int { 1_000_000 + index * clientsPerKey }

    /// Ids reserved for key `index` that its fuzzed hellos may list.
    static func clientRange(of index: Int) -> Range<Int> {
        firstClient(of: index)..<(firstClient(of: index) + closingOffset)
    }

    /// The clients of key `index`'s closing hello.
    static func closingClients(of index: Int) -> [ClientInfo] {
        let first = firstClient(of: index) + closingOffset
        return (first..<(first + closingClientCount)).map { ClientInfo(id: $0, samples: 600) }
    }

    /// A microsecond-like incarnation for key `index` before it has any.
    static func firstIncarnation(of index: Int) -> UInt64 { 1_764_000_000_000_000 + UInt64(index) }
}
