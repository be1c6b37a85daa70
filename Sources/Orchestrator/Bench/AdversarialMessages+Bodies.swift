import Federation
import FedzProtocol

/// Bodies of fuzzed messages, kind by kind: valid ones, and ones with one field out of range,
/// of the wrong type or missing, each with the outcome the coordinator's checks reach
/// (`Hello.validate`, `UpdateReport.validate`, `FieldObservation.validate`, then the handler).
extension AdversarialMessages {
    /// 2^61 − 2, the largest element of SecAgg+'s field, as a client id.
    static let fieldMaximum = 2_305_843_009_213_693_950
    static let invalidClientIDs = [-1, Int(Int32.max) + 1, fieldMaximum, .max, .min]
    static let invalidSamples = [0, -1, .max, 1_000_000_001, .min]
    /// Values no field of type Int decodes from.
    static let notInts: [AdversarialJSON] = [.string("7"), .null, .raw("1.5"), .raw("99999999999999999999"), .bool(true), .array([])]
    static let reasons = [
        "", "x", String(repeating: "a", count: 10_000), "\u{1b}[31mred\n", "line\nbreak\r", "ünïcödé 🚀", "\u{0}nul",
    ]

    mutating func body(for kind: MessageKind) -> BodyPlan {
        switch kind {
        case .hello: helloBody()
        case .heartbeat: BodyPlan(random.pick([(60, .object([])), (15, nil), (25, junk())]), nil)  // a heartbeat's body is not read
        case .modelRequest: modelRequestBody()
        case .fieldReport: fieldReportBody()
        case .evaluationReport: EvaluationReportPlans.body(key: key, random: &random)
        case .definitionRequest: BodyPlan(random.pick([(60, .object([])), (15, nil), (25, junk())]), nil)  // its body is not read
        case .trainingFailed: trainingFailedBody()
        case .retrainRequest: retrainRequestBody()
        case .update: updateBody()
        case .secaggKeys, .secaggShares, .secaggReveal: BodyPlan(secureAggregationBody(), nil)
        case .secaggMaskedInput: maskedInputBody()
        default: BodyPlan(junk(), .unexpected)
        }
    }

    // MARK: - Kinds

    private mutating func helloBody() -> BodyPlan {
        func hello(_ clients: AdversarialJSON?, architecture: AdversarialJSON? = .string(cast.architecture)) -> AdversarialJSON {
            .object([("architecture", architecture), ("clients", clients)].compactMap { key, value in value.map { (key, $0) } })
        }
        var clients = ownClients(Int.random(in: 1...20, using: &random))
        switch random.pick([(400, 0), (2, 1), (1, 2), (30, 3), (60, 4), (60, 5), (30, 6), (30, 7), (30, 8), (15, 9), (15, 10),
                            (20, 11), (20, 12), (40, 13), (10, 14)]) {
        case 0:
            return BodyPlan(hello(Self.clients(clients)), nil)
        case 1:
            return BodyPlan(hello(Self.clients(ownClients(20_000))), nil)
        case 2:  // past `WireBounds.clientsPerNode`, and far past the header limit
            let first = FuzzCast.firstClient(of: key)
            return BodyPlan(hello(Self.clients((0...100_000).map { ClientInfo(id: first + $0, samples: 600) })), .outOfRange)
        case 3:
            return BodyPlan(hello(.array([])), .outOfRange)
        case 4:
            clients[Int.random(in: 0..<clients.count, using: &random)].id = random.pick(Self.invalidClientIDs)
            return BodyPlan(hello(Self.clients(clients)), .outOfRange)
        case 5:
            clients[Int.random(in: 0..<clients.count, using: &random)].samples = random.pick(Self.invalidSamples)
            return BodyPlan(hello(Self.clients(clients)), .outOfRange)
        case 6:
            clients.append(random.pick(clients))
            return BodyPlan(hello(Self.clients(clients)), .badBody)
        case 7:
            var listed = clients.map { AdversarialJSON.object([("id", .int($0.id)), ("samples", .int($0.samples))]) }
            let field = random.pick(["id", "samples"])
            listed[Int.random(in: 0..<listed.count, using: &random)] = .object([
                ("id", field == "id" ? random.pick(Self.notInts) : .int(clients[0].id)),
                ("samples", field == "samples" ? random.pick(Self.notInts) : .int(600)),
            ])
            return BodyPlan(hello(.array(listed)), .badBody)
        case 8:
            return BodyPlan(hello(Self.clients(clients), architecture: .string(random.pick(["cnn", "", "MLP", "mlp ", "som"]))), .unexpected)
        case 9:
            return BodyPlan(hello(Self.clients(clients), architecture: .string(String(repeating: "m", count: random.pick([65, 1_000])))), .badBody)
        case 10:
            return BodyPlan(hello(Self.clients(clients), architecture: random.pick([nil, .int(1), .null])), .badBody)
        case 11:
            return BodyPlan(hello(random.pick([nil, .null, .object([]), .string("all"), .array([.int(1)])])), .badBody)
        case 12:
            return BodyPlan(random.pick([nil, .null, .array([]), .string("hello")]), .badBody)
        case 13:  // another live node's client
            clients[Int.random(in: 0..<clients.count, using: &random)] = random.pick(FuzzCast.victimClients)
            return BodyPlan(hello(Self.clients(clients)), .unexpected)
        default:
            return BodyPlan(hello(.array(clients.map { .object([("id", .int($0.id))]) })), .badBody)
        }
    }

    private mutating func modelRequestBody() -> BodyPlan {
        switch random.pick([(50, 0), (30, 1), (20, 2)]) {
        case 0: BodyPlan(.object([("version", .int(FuzzCast.servedVersion))]), nil)
        case 1: BodyPlan(.object([("version", .int(random.pick([0, 2, 7, -1, Int(Int32.max) + 1, .max, .min])))]), .unexpected)
        default: BodyPlan(random.pick([nil, .object([]), .object([("version", random.pick(Self.notInts))])]), .badBody)
        }
    }

    private mutating func fieldReportBody() -> BodyPlan {
        var fields: [(String, AdversarialJSON)] = [
            ("version", .int(random.pick([0, 1, 7, Int(Int32.max), Int.random(in: 0...Int(Int32.max), using: &random)]))),
            ("accuracy", .double(random.pick([0, 1, 0.5, Double.random(in: 0...1, using: &random)]))),
            ("samples", .int(random.pick([1, 200, 1_000_000_000]))),
        ]
        let candidate: [(String, AdversarialJSON)] = [
            ("candidateVersion", .int(Int.random(in: 0...Int(Int32.max), using: &random))),
            ("candidateAccuracy", .double(Double.random(in: 0...1, using: &random))),
        ]
        if Bool.random(using: &random) { fields += candidate }
        func replacing(_ key: String, with value: AdversarialJSON?) -> AdversarialJSON {
            var replaced = fields.filter { $0.0 != key }
            if let value { replaced.append((key, value)) }
            return .object(replaced)
        }
        switch random.pick([(35, 0), (10, 1), (10, 2), (5, 3), (10, 4), (5, 5), (5, 6), (10, 7), (5, 8)]) {
        case 0:
            // Well-formed: recorded only when the registry holds its versions (a coordinator that has
            // not trained holds version 1 alone), else refused as unexpected.
            let versions = fields.compactMap { field -> Int? in
                guard field.0 == "version" || field.0 == "candidateVersion", case .int(let value) = field.1 else { return nil }
                return value
            }
            return BodyPlan(.object(fields), versions.allSatisfy { $0 == 1 } ? nil : .unexpected)
        case 1: return BodyPlan(replacing("version", with: .int(random.pick([-1, Int(Int32.max) + 1, .max, .min]))), .outOfRange)
        case 2: return BodyPlan(replacing("samples", with: .int(random.pick(Self.invalidSamples))), .outOfRange)
        case 3:
            fields = fields.filter { !$0.0.hasPrefix("candidate") } + candidate
            return BodyPlan(replacing("candidateVersion", with: .int(random.pick([-1, Int(Int32.max) + 1]))), .outOfRange)
        case 4:
            return BodyPlan(replacing("accuracy", with: .double(random.pick([1.5, -0.1, 1e308, -1e308, 1.0000001]))), .badBody)
        case 5:
            fields = fields.filter { !$0.0.hasPrefix("candidate") } + candidate
            return BodyPlan(replacing("candidateAccuracy", with: .double(random.pick([2, -1e308]))), .badBody)
        case 6:  // a candidate version without its accuracy, or the other way round
            fields = fields.filter { !$0.0.hasPrefix("candidate") } + [random.pick(candidate)]
            return BodyPlan(.object(fields), .badBody)
        case 7:
            return BodyPlan(replacing(random.pick(["version", "accuracy", "samples"]), with: random.pick([nil, .string("high"), .raw("1e999")])), .badBody)
        default:
            return BodyPlan(random.pick([nil, .null, .array([]), .object([])]), .badBody)
        }
    }

    private mutating func trainingFailedBody() -> BodyPlan {
        let client = AdversarialJSON.int(random.pick(Self.invalidClientIDs + [0, Int.random(in: 0...Int(Int32.max), using: &random)]))
        let reason = AdversarialJSON.string(random.pick(Self.reasons))
        switch random.pick([(70, 0), (10, 1), (10, 2), (10, 3)]) {
        case 0:
            // No round is open to check the client against; its id and the reason's length are checked.
            guard case .int(let id) = client, WireBounds.clientID.contains(id) else {
                return BodyPlan(.object([("client", client), ("reason", reason)]), .outOfRange)
            }
            guard case .string(let text) = reason, text.utf8.count <= 1_024 else {
                return BodyPlan(.object([("client", client), ("reason", reason)]), .badBody)
            }
            return BodyPlan(.object([("client", client), ("reason", reason)]), nil)
        case 1: return BodyPlan(.object([("client", random.pick(Self.notInts)), ("reason", reason)]), .badBody)
        case 2: return BodyPlan(.object([("client", client), ("reason", random.pick([.int(5), .null, .array([])]))]), .badBody)
        default: return BodyPlan(random.pick([nil, .object([("reason", reason)]), .object([("client", client)])]), .badBody)
        }
    }

    /// A retrain request, as the handler would take it: a node's key is refused for its role first.
    private mutating func retrainRequestBody() -> BodyPlan {
        let alert = AdversarialJSON.int(random.pick([0, 1, -1, .max]))
        if random.pick([(60, true), (40, false)]) {
            return BodyPlan(.object([("alert", alert), ("reason", .string(random.pick(Self.reasons)))]), .unexpected)  // not the monitor
        }
        return BodyPlan(random.pick([nil, .object([("alert", alert)]), .object([("alert", .string("4")), ("reason", .string("x"))])]), .badBody)
    }

    /// An update: its body and tensors pass or fail the checks made on arrival, in order: the
    /// body decodes, `UpdateReport.validate`, the tensors fit the model, the hash matches.
    private mutating func updateBody() -> BodyPlan {
        let tiny = cast.specs.map { FuzzTensor(name: $0.name, shape: [1], values: [0.5]) }
        var report: [(String, AdversarialJSON)] = [
            ("client", .int(Int.random(in: 0...Int(Int32.max), using: &random))),
            ("hash", .string(String(cast.deltaHash.reversed()))),
            ("samples", .int(random.pick([1, 600, 1_000_000_000]))),
            ("trainLoss", .double(Double.random(in: 0..<5, using: &random))),
        ]
        func replacing(_ key: String, with value: AdversarialJSON?) -> AdversarialJSON {
            var replaced = report.filter { $0.0 != key }
            if let value { replaced.append((key, value)) }
            return .object(replaced)
        }
        switch random.pick([(3, 0), (3, 1), (200, 2), (80, 3), (40, 4), (2, 5), (1, 6), (150, 7), (150, 8), (150, 9),
                            (50, 10), (20, 11), (2, 12)]) {
        case 0, 12:
            report = report.filter { $0.0 != "hash" } + [("hash", .string(cast.deltaHash))]
            if random.pick([true, false]) { report = report.filter { $0.0 != "trainLoss" } + [("trainLoss", .double(random.pick([1e308, -1e308, -1])))] }
            return BodyPlan(.object(report), tensors: cast.delta.map(FuzzTensor.init), nil)
        case 1: return BodyPlan(.object(report), tensors: cast.delta.map(FuzzTensor.init), .checksum)
        case 2: return BodyPlan(.object(report), tensors: tiny, .badShape)
        case 3: return BodyPlan(.object(report), .badShape)
        case 4: return BodyPlan(.object(report), tensors: cast.specs.map { FuzzTensor(name: $0.name, shape: [1], words: [1]) }, .badShape)
        case 5: return BodyPlan(.object(report), tensors: (0..<256).map { FuzzTensor(name: "t\($0)", shape: [1], values: [0]) }, .badShape)
        case 6: return BodyPlan(.object(report), tensors: (0..<257).map { FuzzTensor(name: "t\($0)", shape: [1], values: [0]) }, .oversized)
        case 7: return BodyPlan(replacing("client", with: .int(random.pick(Self.invalidClientIDs))), tensors: tiny, .outOfRange)
        case 8: return BodyPlan(replacing("samples", with: .int(random.pick(Self.invalidSamples))), tensors: tiny, .outOfRange)
        case 9:
            let field = random.pick(["client", "hash", "samples", "trainLoss"])
            let value: AdversarialJSON? = switch field {
            case "hash": random.pick([nil, .int(5), .null])
            case "trainLoss": random.pick([nil, .string("NaN"), .null, .raw("1e999")])
            default: random.pick([nil] + Self.notInts)
            }
            return BodyPlan(random.pick([(9, replacing(field, with: value)), (1, nil)]), tensors: tiny, .badBody)
        case 10:
            return BodyPlan(replacing("trainLoss", with: .double(random.pick([1e308, -1e308, -1, 0]))), tensors: tiny, .badShape)
        default:
            var poisoned = tiny
            poisoned[Int.random(in: 0..<poisoned.count, using: &random)] = FuzzTensor(name: "nan", shape: [1], values: [.nan])
            return BodyPlan(.object(report), tensors: poisoned, .nonFinite)
        }
    }

    /// A secure-aggregation reply: plausible or junk, refused either way while no secure round is open.
    private mutating func secureAggregationBody() -> AdversarialJSON? {
        let bytes = AdversarialJSON.array((0..<32).map { _ in .int(Int.random(in: -1...256, using: &random)) })
        return random.pick([
            (40, .object([("client", .int(random.pick(Self.invalidClientIDs + [0, 5]))), ("encryptionKey", bytes),
                          ("maskingKey", bytes), ("round", .int(random.pick([0, 1, -1, .max])))])),
            (30, .object([("client", .int(3)), ("round", .int(1)), ("shares", .array([.object([("from", .int(3)), ("to", .int(-1)), ("ciphertext", bytes)])]))])),
            (30, junk()),
        ])
    }

    private mutating func maskedInputBody() -> BodyPlan {
        let body = AdversarialJSON.object([("client", .int(random.pick([0, -1, .max]))), ("round", .int(1)), ("trainLoss", .double(0.5))])
        let length = Int.random(in: 1...64, using: &random)
        let words = (0..<length).map { _ in UInt32.random(in: .min ... .max, using: &random) }
        return switch random.pick([(60, 0), (20, 1), (10, 2), (10, 3)]) {
        case 0: BodyPlan(body, tensors: [FuzzTensor(name: "masked", shape: [length], words: words)], .staleUpdate)
        case 1: BodyPlan(body, .staleUpdate)
        case 2: BodyPlan(body, tensors: [FuzzTensor(name: "masked", shape: [2], values: [1, 2])], .staleUpdate)
        default: BodyPlan(body, tensors: [FuzzTensor(name: "masked", shape: [1], values: [.infinity])], .nonFinite)
        }
    }

    // MARK: - Parts

    /// `count` distinct clients from the key's reserved ids, with sample counts in range.
    private mutating func ownClients(_ count: Int) -> [ClientInfo] {
        let range = FuzzCast.clientRange(of: key)
        let start = range.lowerBound + Int.random(in: 0...(range.count - count), using: &random)
        let samples = [1, 600, 1_000_000_000]
        return (start..<(start + count)).map { ClientInfo(id: $0, samples: random.pick(samples)) }
    }

    /// A JSON value of any shape.
    private mutating func junk(depth: Int = 0) -> AdversarialJSON {
        switch random.pick([(2, 0), (2, 1), (2, 2), (2, 3), (2, 4), (1, 5), (depth < 2 ? 3 : 0, 6), (depth < 2 ? 3 : 0, 7)]) {
        case 0: return .null
        case 1: return .bool(random.pick([true, false]))
        case 2: return .int(Int(bitPattern: UInt(random.next())))
        case 3: return .double(random.pick([-1e308, 1e-308, 0.1, 3]))
        case 4: return .string(random.pick(Self.reasons))
        case 5: return .raw(random.pick(["1e999", "-0", "99999999999999999999999"]))
        case 6: return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in junk(depth: depth + 1) })
        default:
            return .object((0..<Int.random(in: 0...3, using: &random)).map { index in
                (random.pick(["client", "round", "version", "clients", "x\(index)"]), junk(depth: depth + 1))
            })
        }
    }
}
