import Federation
import FedzProtocol

/// The header fields of fuzzed messages: sender, incarnation, round and model version, and
/// tensors beside the body.
extension AdversarialMessages {
    /// Ids that are no sender's (`WireBounds.isValidSender` refuses them).
    static let invalidSenders = [
        "", " ", "node 1", "node-0\n", "node-1\u{1b}[2J", "nöde-1", "node/1", "node-1;drop", "\u{0}",
        String(repeating: "n", count: 65),
    ]

    /// The sender: mostly the key's own name; else another node's, the victim's, the monitor's,
    /// the coordinator's, a look-alike of its own, or no valid id at all.
    mutating func pickSender() -> String {
        let others = (0..<cast.keys).filter { $0 != key }
        switch random.pick([(70, 0), (8, 1), (3, 2), (4, 3), (3, 4), (4, 5), (8, 6)]) {
        case 0: return name
        case 1: return others.isEmpty ? cast.victim : cast.name(random.pick(others))
        case 2: return cast.victim
        case 3: return Coordinator.monitorID
        case 4: return Coordinator.senderID
        case 5: return random.pick([name.uppercased(), name + "0", "node-0" + String(key), name + ".", String(repeating: "n", count: 64)])
        default: return random.pick(Self.invalidSenders)
        }
    }

    /// The incarnation, and the reason a header carrying it fails to decode (it is no UInt64).
    /// In its own name a key mostly keeps the incarnation the coordinator holds, and sometimes
    /// restarts (a larger one, up to `UInt64.max`) or speaks as an old self; a model request
    /// keeps to the held one or an older, so that the quota refusing it or not changes nothing
    /// (see `reachActor`).
    mutating func pickIncarnation(kind: MessageKind, own: Bool) -> (AdversarialJSON, WireError.Reason?) {
        let current = known ?? FuzzCast.firstIncarnation(of: key)
        let older: UInt64 = current == 0 ? 0 : UInt64.random(in: 0..<current, using: &random)
        guard own else {
            let any = random.next()
            return (.unsigned(random.pick([0, 1, current, .max, any])), nil)
        }
        if kind == .modelRequest { return (.unsigned(random.pick([(9, current), (1, older)])), nil) }
        switch random.pick([(8_000, 0), (600, 1), (400, 2), (400, 3), (80, 4), (5, 5), (60, 6), (30, 7), (25, 8)]) {
        case 0: return (.unsigned(current), nil)
        case 1: return (.unsigned(current + min(UInt64.max - current, UInt64.random(in: 1...1_000, using: &random))), nil)
        case 2: return (.unsigned(0), nil)
        case 3: return (.unsigned(older), nil)
        case 4: return (.unsigned(random.next()), nil)
        case 5: return (.unsigned(.max), nil)
        case 6: return (.int(-1), .badHeader)
        case 7: return (.raw("18446744073709551616"), .badHeader)
        default: return (.string("\(current)"), .badHeader)
        }
    }

    /// A round or model version for the header: absent, null, in range or out of it
    /// (`out_of_range`), or no integer (`bad_header`).
    mutating func pickCounter() -> (AdversarialJSON?, WireError.Reason?) {
        switch random.pick([(500, 0), (50, 1), (250, 2), (120, 3), (50, 4), (10, 5), (8, 6), (5, 7), (5, 8), (2, 9), (2, 10)]) {
        case 0: return (nil, nil)
        case 1: return (.null, nil)
        case 2: return (.int(0), nil)
        case 3: return (.int(Int.random(in: 1...10, using: &random)), nil)
        case 4: return (.int(Int(Int32.max)), nil)
        case 5: return (.int(-1), .outOfRange)
        case 6: return (.int(Int(Int32.max) + 1), .outOfRange)
        case 7: return (.int(.max), .outOfRange)
        case 8: return (.int(.min), .outOfRange)
        case 9: return (.string("1"), .badHeader)
        default: return (.raw("99999999999999999999"), .badHeader)
        }
    }

    /// Tensors beside a body that takes none: mostly none, sometimes a harmless one, rarely
    /// one the decoder refuses, or more than a message may carry.
    mutating func pickTensors() -> [FuzzTensor] {
        switch random.pick([(960, 0), (20, 1), (3, 2), (3, 3), (3, 4), (3, 5), (3, 6), (3, 7), (2, 8), (1, 9)]) {
        case 0: return []
        case 1: return [FuzzTensor(name: "extra", shape: [3], values: [1, -2, 0.5])]
        case 2: return [FuzzTensor(name: "nan", shape: [2], values: [0, .nan])]
        case 3: return [FuzzTensor(name: "inf", shape: [1], values: [-.infinity])]
        case 4: return [FuzzTensor(name: "f64", dtype: "float64", shape: [1], bytes: [0, 0, 0, 0], fault: .badShape)]
        case 5: return [FuzzTensor(name: "empty", dtype: WireFormat.float32, shape: [0], bytes: [], fault: .badShape)]
        case 6: return [FuzzTensor(name: "negative", dtype: WireFormat.float32, shape: [4, -2], bytes: [], fault: .badShape)]
        case 7: return [FuzzTensor(name: "huge", dtype: WireFormat.float32, shape: [1 << 31, 1 << 31], bytes: [], fault: .oversized)]
        case 8: return (0..<256).map { FuzzTensor(name: "t\($0)", shape: [1], values: [Float($0)]) }
        default: return (0..<257).map { FuzzTensor(name: "t\($0)", shape: [1], values: [Float($0)]) }
        }
    }
}
