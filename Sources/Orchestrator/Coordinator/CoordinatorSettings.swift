import Actors
import Federation
import FedzProtocol
import Foundation
import Learning
import ModelOps

/// Everything a coordinator needs to run a federation, independent of where the
/// values came from (flags today, a configuration file later).
struct CoordinatorSettings: Sendable {
    /// Where the PUB socket binds (`tcp://*:7001`, or `tcp://127.0.0.1:*` for an ephemeral port).
    var publishEndpoint: String
    /// Where the PULL socket binds.
    var pullEndpoint: String
    /// Endpoint of a second PULL socket for control traffic (hellos, heartbeats, requests), so
    /// that it never queues behind updates; nil: control traffic shares the PULL socket (on its
    /// priority lane).
    var controlEndpoint: String?
    var model: String
    /// The folder of the built-in data set whose test split evaluates each version, unless `testData` is given.
    var dataDirectory: String
    /// The test set in a file or folder of the user's (`DataFile`), and its CSV label column.
    var testData: String? = nil
    var labelColumn = "label"
    /// No test set at the coordinator: versions are evaluated only by the nodes, on their
    /// clients' held-out samples.
    var noTestSet = false
    var strategy: StrategySpec
    var rounds: Int
    /// Stop after the first round whose test accuracy reaches this; nil to run every round.
    var targetAccuracy: Double?
    /// C: the fraction of registered clients sampled per round.
    var fraction: Double
    /// How a round draws its clients: uniformly, or stratified by node.
    var sampling: SamplingMode
    /// A round needs at least this many results (capped at the number sampled).
    var minimumClients: Int
    /// Round 1 starts once this many clients are registered, or at `startTimeout`
    /// with whatever is there (at least `minimumClients`).
    var expectedClients: Int
    var startTimeout: Duration
    var roundTimeout: Duration
    /// How often an open round's start is re-broadcast and its progress reported.
    var roundCadence = RoundDriver.Cadence()
    var training: TrainingConfig
    var seed: UInt64
    var heartbeatInterval: Duration
    var heartbeatLiveness: Int
    /// CURVE server settings and the nodes admitted; nil for plain text.
    var security: (curve: CurveSettings, allowList: AllowList)?
    /// Faults to inject into the coordinator's messages (none by default).
    var faultPlan: FaultPlan
    /// Where the registry (versions, aliases, field metrics, alerts, checkpoint) lives.
    var stateDirectory: String
    /// Continue an unfinished run from the registry's checkpoint instead of starting afresh.
    var resume: Bool
    /// SecAgg+ parameters when rounds aggregate securely; nil for plain updates.
    var secureAggregation: SecureAggregationSettings?
    /// Differential privacy of the clients' updates; nil for none.
    var privacy: DifferentialPrivacy?
    /// Who promotes a candidate to production: field data, or only an admin.
    var promotion: Deployment.Policy = .field

    /// The settings that shape a model version, as recorded with it in the registry, with the
    /// model's definition for one from a file (`"definition"`), so that a version can be
    /// exported (ONNX, safetensors) without the file.
    var describedConfig: String {
        let definition = ModelZoo.registeredDefinition(model)
            .map { ",\"definition\":" + String(decoding: $0.canonicalJSON, as: UTF8.self) } ?? ""
        return """
        {"model":"\(model)","strategy":"\(strategy.name)","strategy_parameters":"\(strategy.parameterSummary)","fraction":\(fraction),"sampling":"\(sampling)","epochs":\(training.epochs),\
        "batch_size":\(training.batchSize),"lr":\(training.learningRate),"seed":\(seed)\(definition)}
        """
    }
}


extension CoordinatorSettings {
    /// The samples each new version is evaluated on at the coordinator: `testData`, checked
    /// against the model, else the test split of the built-in data set the model trains on; nil
    /// with `noTestSet` or for a model no built-in data set fits (then the nodes evaluate).
    func loadTestData() throws -> LabeledData? {
        guard let testData else {
            guard !noTestSet, let dataset = try? ModelZoo.dataset(for: model) else { return nil }
            return try dataset.load(.test, from: dataDirectory)
        }
        return try DataFile.load(path: testData, labelColumn: labelColumn, for: ModelZoo.samples(for: model))
    }
}
