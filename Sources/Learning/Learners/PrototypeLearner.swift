/// A prototype map as a federated model: competitive learning (no neighbourhood) or a
/// Kohonen self-organising map. Its parameters are the prototypes (units × features), each
/// unit's total neighbourhood weight and its class votes (units × classes) from the last
/// merge; a client's update has the same shapes and holds its `PrototypeStatistics` at the
/// round's radius, so that the next model is "add every update, then divide" (`merge`).
/// Units are labelled by majority vote of the training samples they won in the last merge.
public final class PrototypeLearner: Learner {
    public private(set) var map: PrototypeMap
    /// Units' total neighbourhood weights from the last merge.
    public private(set) var weights: [Float]
    /// Units × classes: training samples of each class each unit won in the last merge.
    public private(set) var votes: [Float]
    public let classCount: Int
    public let schedule: MapSchedule
    /// Whether the grid matters (a SOM): then evaluations report the topographic error.
    public var isTopological: Bool { schedule.initialRadius > 0 }

    /// A map of `rows` × `columns` units of `features` floats, prototypes drawn from ±`spread`.
    public init(rows: Int, columns: Int, features: Int, classCount: Int, schedule: MapSchedule, spread: Float,
                seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        map = PrototypeMap(rows: rows, columns: columns, features: features, spread: spread, generator: &generator)
        weights = Array(repeating: 0, count: rows * columns)
        votes = Array(repeating: 0, count: rows * columns * classCount)
        self.classCount = classCount
        self.schedule = schedule
    }

    public var parameterSpecs: [ParameterSpec] {
        let units = map.unitCount
        return [
            ParameterSpec(name: "map.prototypes", shape: [units, map.features]),
            ParameterSpec(name: "map.weights", shape: [units]),
            ParameterSpec(name: "map.votes", shape: [units, classCount]),
        ]
    }

    public func parameters() -> [Tensor] {
        Self.tensors(prototypes: map.prototypes, weights: weights, votes: votes, specs: parameterSpecs)
    }

    public func setParameters(_ parameters: [Tensor]) throws {
        try checkParameters(parameters, fit: parameterSpecs)
        map.prototypes = parameters[0].values
        weights = parameters[1].values
        votes = parameters[2].values
    }

    /// This client's statistics on the current map at the schedule's radius for `round`
    /// (one batch step); the report's loss is the quantisation error of `data` before it.
    /// Epochs, batch size and learning rate do not apply.
    public func learn(from data: LabeledData, config: TrainingConfig, round: Int) throws -> (report: TrainingReport, update: [Tensor]) {
        guard data.featureSize == map.features else {
            throw LearningError(.featureShape(expected: [map.features], actual: data.featureShape))
        }
        if let error = data.firstInvalidLabel(classCount: classCount) { throw error }
        let matches = map.bestMatches(in: data)
        let statistics = PrototypeStatistics(
            map: map, data: data, radius: schedule.radius(at: round - 1), classCount: classCount, matches: matches)
        let error = matches.reduce(0.0) { $0 + Double($1.squaredDistance).squareRoot() } / Double(max(data.count, 1))
        let report = TrainingReport(meanLoss: error, samples: data.count, steps: 1)
        return (report, Self.tensors(prototypes: statistics.sums, weights: statistics.weights, votes: statistics.votes,
                                     specs: parameterSpecs))
    }

    public func evaluate(on data: LabeledData) -> Evaluation {
        let labels = MapQuality.majorityLabels(votes: votes, classCount: classCount)
        let quality = MapQuality(map: map, data: data, unitLabels: labels)
        return Evaluation(loss: quality.quantizationError, accuracy: quality.accuracy, samples: data.count,
                          quantizationError: quality.quantizationError,
                          topographicError: isTopological ? quality.topographicError : nil)
    }

    /// The next global parameters from the current ones and the element-wise sum of the
    /// clients' updates: prototypes sums / weights (kept where a unit's weight is at most
    /// `minimumWeight`, e.g. the rounding error of a secure sum), the summed weights, and the
    /// summed votes (a unit that won no sample keeps its old votes, and so its label, as when
    /// the round's clients lacked its class).
    public static func merge(global: [Tensor], summedUpdates sum: [Tensor], minimumWeight: Float = 0) -> [Tensor] {
        precondition(global.count == 3 && sum.count == 3, "merge: a prototype model has 3 tensors")
        let (units, features) = (global[0].shape[0], global[0].shape[1])
        let map = PrototypeMap(rows: 1, columns: units, features: features, prototypes: global[0].values)
        let weights = sum[1].values.map { $0 > minimumWeight ? $0 : 0 }
        let merged = PrototypeStatistics(sums: sum[0].values, weights: weights, votes: sum[2].values).merged(into: map)
        let classes = global[2].shape[1]
        var votes = sum[2]
        for unit in 0..<units where !votes.values[(unit * classes)..<((unit + 1) * classes)].contains(where: { $0 > 0 }) {
            votes.values.replaceSubrange((unit * classes)..<((unit + 1) * classes),
                                         with: global[2].values[(unit * classes)..<((unit + 1) * classes)])
        }
        return [Tensor(shape: global[0].shape, values: merged.prototypes), sum[1], votes]
    }

    private static func tensors(prototypes: [Float], weights: [Float], votes: [Float], specs: [ParameterSpec]) -> [Tensor] {
        zip(specs, [prototypes, weights, votes]).map { Tensor(shape: $0.shape, values: $1) }
    }
}
