import FedzProtocol
import Learning

/// Fuzzing of the wire decoder with seeded mutations of valid protocol messages: every
/// input must decode (header and kind-specific body) or be rejected with a reason.
public enum WireFuzzing {
    /// What a fuzzing run saw.
    public struct Report: Sendable, Codable, Equatable {
        public var inputs = 0
        /// Inputs that decoded completely (header, tensors and body).
        public var accepted = 0
        /// Rejections by reason.
        public var rejected: [String: Int] = [:]
        /// The slowest single decode, in seconds (a hang would show here).
        public var slowestSeconds = 0.0

        public init() {}
    }

    /// Encoded valid messages of every kind the coordinator and the nodes receive.
    public static func corpus() throws -> [[[UInt8]]] {
        let sender = "node-1"
        func header(_ kind: MessageKind) -> Header {
            Header(kind: kind, sender: sender, incarnation: 7, round: 2, modelVersion: 1)
        }
        let tensors = [
            WireTensor(name: "dense0.weight", shape: [4, 3], values: (0..<12).map { Float($0) * 0.25 }),
            WireTensor(name: "dense0.bias", shape: [3], values: [0.5, -0.5, 1]),
        ]
        let config = TrainingConfig(epochs: 1, batchSize: 10, learningRate: 0.1, seed: 3)
        let envelopes = [
            try Envelope(topic: .report, header: header(.hello),
                         body: Hello(clients: [ClientInfo(id: 1, samples: 600)], architecture: "mlp")),
            try Envelope(topic: .report, header: header(.heartbeat), body: Empty()),
            try Envelope(topic: .report, header: header(.modelRequest), body: ModelRequest(version: 1)),
            try Envelope(topic: .report, header: header(.update),
                         body: UpdateReport(client: 1, samples: 600, trainLoss: 0.25, hash: "ab"), tensors: tensors),
            try Envelope(topic: .report, header: header(.trainingFailed), body: TrainingFailure(client: 1, reason: "x")),
            try Envelope(topic: .round, header: header(.roundStart), body: RoundStart(
                round: 2, modelVersion: 1, modelHash: "ab", assignments: ["node-1": [1, 2]], training: config,
                deadlineSeconds: 60)),
            try Envelope(topic: .model, header: header(.model),
                         body: ModelAnnouncement(architecture: "mlp", hash: "ab"), tensors: tensors),
            try Envelope(topic: .node(sender), header: header(.welcome), body: Welcome(incarnation: 7)),
            try Envelope(topic: .control, header: header(.definitionRequest), body: Empty()),
            try Envelope(topic: .control, header: header(.evaluationReport), body: EvaluationReport(
                version: 3, clients: [EvaluationReport.Client(client: 1, samples: 66, loss: 0.4, accuracy: 0.9)])),
            try Envelope(topic: .node(sender), header: header(.modelDefinition), body: ModelDefinitionBody(
                architecture: "tiny#000000000000",
                definition: ModelDefinition(name: "tiny", input: [4], head: .classification, layers: [.dense(outputs: 3), .relu]))),
        ]
        return envelopes.map(WireFormat.encode)
    }

    /// Decodes `inputs` mutated messages from `seed`.
    public static func run(inputs: Int, seed: UInt64) throws -> Report {
        var mutator = WireMutator(corpus: try corpus(), generator: SeededGenerator(seed: seed))
        var report = Report()
        let clock = ContinuousClock()
        for _ in 0..<inputs {
            let frames = mutator.next()
            var outcome: WireError.Reason?
            let elapsed = clock.measure { outcome = decodeFully(frames) }
            report.inputs += 1
            report.slowestSeconds = max(report.slowestSeconds, elapsed.seconds)
            if let outcome {
                report.rejected[outcome.rawValue, default: 0] += 1
            } else {
                report.accepted += 1
            }
        }
        return report
    }

    /// Decodes frames and their kind's body; nil when everything decoded.
    static func decodeFully(_ frames: [[UInt8]]) -> WireError.Reason? {
        do {
            let envelope = try WireFormat.decode(frames)
            switch envelope.header.kind {
            case .hello: _ = try envelope.body(Hello.self)
            case .welcome: _ = try envelope.body(Welcome.self)
            case .heartbeat, .rejoin, .definitionRequest: _ = try envelope.body(Empty.self)
            case .modelDefinition: _ = try envelope.body(ModelDefinitionBody.self)
            case .evaluationReport: try envelope.body(EvaluationReport.self).validate()
            case .roundStart: _ = try envelope.body(RoundStart.self)
            case .model: _ = try envelope.body(ModelAnnouncement.self)
            case .modelRequest: _ = try envelope.body(ModelRequest.self)
            case .update: _ = try envelope.body(UpdateReport.self)
            case .trainingFailed: _ = try envelope.body(TrainingFailure.self)
            case .roundResult: _ = try envelope.body(RoundResult.self)
            default: return .unexpected
            }
            return nil
        } catch {
            return error.reason
        }
    }
}
