import Federation
import FedzProtocol
import Learning

/// The seeded messages one allow-listed key sends in `fedz bench fuzz --authenticated`: valid
/// envelopes (a fedz topic, a JSON header, one frame per tensor descriptor) whose fields lie —
/// every kind a node sends and some it does not, in the key's own name and in others', with
/// out-of-range, wrongly typed and missing values — each with the outcome the coordinator
/// should reach (docs/PROTOCOL.md, "Bounds" and "Rejections").
///
/// The coordinator is taken to be waiting for clients (no round open, its initial version the
/// only one served) and the key to push on its lane alone (see `FuzzCast`); the generator
/// follows the pieces of the coordinator's state a key's messages change that decide
/// outcomes: the incarnation it holds for the key's name, and how many model requests the
/// key has made (past a burst, the quota refuses them by the clock).
struct AdversarialMessages {
    let cast: FuzzCast
    let key: Int
    var random: SeededGenerator
    /// The incarnation the coordinator holds for this key's name: the largest of the messages
    /// that reached its failure detector (nil before the first).
    private(set) var known: UInt64?
    /// Model requests in the key's own name that reached the quota: the first
    /// `RequestQuota.modelRequests.burst` get through whenever they come.
    private(set) var modelRequests = 0

    init(cast: FuzzCast, key: Int, seed: UInt64) {
        self.cast = cast
        self.key = key
        self.random = SeededGenerator(seed: seed ^ (UInt64(key) &+ 1) &* 0x9E37_79B9_7F4A_7C15)
    }

    var name: String { cast.name(key) }
    var topic: Topic { cast.topic(key) }

    /// Kinds this key sends, with weights: on the control lane only control kinds.
    var kinds: [(Int, MessageKind)] {
        let control: [(Int, MessageKind)] = [
            (18, .hello), (22, .heartbeat), (12, .modelRequest), (18, .fieldReport), (14, .trainingFailed),
            (8, .retrainRequest), (10, .evaluationReport), (4, .definitionRequest),
        ]
        guard topic == .report else { return control + Self.foreignKinds.map { (2, $0) } }
        return control.map { ($0.0 / 2, $0.1) } + [
            (28, .update), (6, .secaggKeys), (6, .secaggShares), (6, .secaggMaskedInput), (6, .secaggReveal),
        ] + Self.foreignKinds.map { (1, $0) }
    }

    /// Kinds a node never sends: the coordinator's own, and names no one uses.
    static let foreignKinds = [
        MessageKind.welcome, .roundStart, .model, .rejoin, .secaggDirectory, MessageKind("bogus"), MessageKind(""),
    ]

    /// The next message.
    mutating func next() -> AdversarialMessage {
        let kind = random.pick(kinds)
        let sender = pickSender()
        let (incarnation, incarnationFault) = pickIncarnation(kind: kind, own: sender == name)
        let (round, roundFault) = pickCounter()
        let (version, versionFault) = pickCounter()
        let plan = body(for: kind)
        var tensors = plan.tensors
        if kind != .update { tensors += pickTensors() }
        var header: [(String, AdversarialJSON)] = []
        if let body = plan.body { header.append(("body", body)) }
        header.append(("incarnation", incarnation))
        header.append(("kind", .string(kind.rawValue)))
        if let version { header.append(("modelVersion", version)) }
        header.append(("protocolVersion", .int(WireFormat.protocolVersion)))
        if let round { header.append(("round", round)) }
        header += [("sender", .string(sender)), ("tensors", .array(tensors.map(\.descriptor)))]
        let frames = [Array(topic.rawValue.utf8), AdversarialJSON.object(header).bytes] + tensors.map(\.bytes)

        let headerFault = Self.headerFault(sender: sender, incarnation: incarnationFault, round: roundFault, version: versionFault)
        let arrival: AdversarialMessage.Outcome? =
            if frames.count > 2 + 256 || frames[1].count > 1 << 20 { WireError.Reason.oversized.rawValue }
            else if let headerFault { headerFault.rawValue }
            else if let fault = tensors.lazy.compactMap(\.fault).first { fault }
            else if sender != name { WireError.Reason.spoofedSender.rawValue }
            else if kind == .update, plan.outcome != AdversarialMessage.accepted { plan.outcome }
            else { nil }
        if let arrival {
            return AdversarialMessage(kind: kind.rawValue, frames: frames, outcomes: [arrival], settledOnArrival: true)
        }
        guard case .unsigned(let value) = incarnation else { preconditionFailure("an incarnation without a fault is a UInt64") }
        return AdversarialMessage(
            kind: kind.rawValue, frames: frames, outcomes: reachActor(kind, incarnation: value, body: plan.outcome),
            settledOnArrival: false)
    }

    /// The first header check that fails, in the decoder's order: the JSON types (incarnation,
    /// round, model version), then the sender id, then the ranges of round and model version.
    private static func headerFault(
        sender: String, incarnation: WireError.Reason?, round: WireError.Reason?, version: WireError.Reason?
    ) -> WireError.Reason? {
        let types = [incarnation, round, version].compactMap { $0 }.first { $0 == .badHeader }
        if let types { return types }
        if !WireBounds.isValidSender(sender) { return .badHeader }
        return round ?? version
    }


    /// What the coordinator's actor makes of a message that arrived intact in this key's name:
    /// the quota (model requests only: every key sends far fewer messages than its burst, and
    /// the first model requests fit the burst of theirs), the key's role (a node's key may not
    /// ask for retraining nor send the coordinator's kinds), the failure detector (for a sign of
    /// life, an older incarnation than the one held is refused), then the kind.
    private mutating func reachActor(
        _ kind: MessageKind, incarnation: UInt64, body: AdversarialMessage.Outcome
    ) -> Set<AdversarialMessage.Outcome> {
        var outcomes: Set<AdversarialMessage.Outcome> = []
        if kind == .modelRequest {
            modelRequests += 1
            if Double(modelRequests) > RequestQuota.modelRequests.burst { outcomes.insert(WireError.Reason.overQuota.rawValue) }
        }
        guard PeerRole.node.maySend(kind) else {
            outcomes.insert(WireError.Reason.forbidden.rawValue)
            return outcomes
        }
        // A definition request is no sign of life: the detector neither checks nor keeps its incarnation.
        if kind.isSignOfLife {
            if let known, incarnation < known {
                outcomes.insert(WireError.Reason.unexpected.rawValue)
                return outcomes
            }
            // A model request keeps to the held incarnation or an older one (`pickIncarnation`):
            // past its burst, whether or not the quota lets it through, the detector holds the same.
            known = max(known ?? incarnation, incarnation)
        }
        switch kind {
        case .update, .secaggKeys, .secaggShares, .secaggMaskedInput, .secaggReveal:
            outcomes.insert(WireError.Reason.staleUpdate.rawValue)  // no round, no secure round is open
        default:
            outcomes.insert(body)
        }
        return outcomes
    }

    /// The key's last message: a valid hello in its own name listing exactly
    /// `FuzzCast.closingClientCount` clients, at an incarnation the coordinator takes.
    mutating func closing() -> AdversarialMessage {
        let incarnation = known ?? FuzzCast.firstIncarnation(of: key)
        known = incarnation
        let clients = FuzzCast.closingClients(of: key)
        let header: AdversarialJSON = .object([
            ("body", .object([("architecture", .string(cast.architecture)), ("clients", Self.clients(clients))])),
            ("incarnation", .unsigned(incarnation)), ("kind", .string(MessageKind.hello.rawValue)),
            ("protocolVersion", .int(WireFormat.protocolVersion)), ("sender", .string(name)), ("tensors", .array([])),
        ])
        return AdversarialMessage(
            kind: MessageKind.hello.rawValue, frames: [Array(topic.rawValue.utf8), header.bytes],
            outcomes: [AdversarialMessage.accepted], settledOnArrival: false)
    }

    /// The victim's one hello, before any key fuzzes.
    static func victimHello(cast: FuzzCast) -> Multipart {
        let header: AdversarialJSON = .object([
            ("body", .object([("architecture", .string(cast.architecture)), ("clients", clients(FuzzCast.victimClients))])),
            ("incarnation", .unsigned(1)), ("kind", .string(MessageKind.hello.rawValue)),
            ("protocolVersion", .int(WireFormat.protocolVersion)), ("sender", .string(cast.victim)), ("tensors", .array([])),
        ])
        return [Array(Topic.control.rawValue.utf8), header.bytes]
    }

    static func clients(_ clients: [ClientInfo]) -> AdversarialJSON {
        .array(clients.map { .object([("id", .int($0.id)), ("samples", .int($0.samples))]) })
    }
}

extension SeededGenerator {
    /// One of `choices`, each as likely as its weight.
    mutating func pick<Choice>(_ choices: [(Int, Choice)]) -> Choice {
        let total = choices.reduce(0) { $0 + $1.0 }
        var draw = Int.random(in: 0..<total, using: &self)
        for (weight, choice) in choices {
            if draw < weight { return choice }
            draw -= weight
        }
        return choices[choices.count - 1].1
    }

    /// One of `choices`, all alike.
    mutating func pick<Choice>(_ choices: [Choice]) -> Choice {
        choices[Int.random(in: 0..<choices.count, using: &self)]
    }
}
