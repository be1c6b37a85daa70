import Federation

/// One `fedz run` of a paper setting at one learning rate, as `fedz bench paper` reports it.
struct BenchPaperRun: Encodable, Equatable {
    var lr: Float
    /// The first round whose test accuracy reached the target; nil if none did.
    var roundsToTarget: Int?
    var roundsRun: Int
    var finalTestAccuracy: Double?
    var bestTestAccuracy: Double?
    /// Mean of the rounds' wall times.
    var secondsPerRound: Double?
    var accuracyCurve: [Double]

    init(lr: Float, rounds: [RoundResult], target: Double) {
        self.lr = lr
        roundsToTarget = rounds.first { $0.testAccuracy >= target }?.round
        roundsRun = rounds.count
        finalTestAccuracy = rounds.last?.testAccuracy
        bestTestAccuracy = rounds.map(\.testAccuracy).max()
        secondsPerRound = rounds.isEmpty ? nil : rounds.reduce(0) { $0 + $1.seconds } / Double(rounds.count)
        accuracyCurve = rounds.map(\.testAccuracy)
    }

    /// Fewer rounds to target is better; among runs that missed it, higher best accuracy.
    static func best(_ runs: [BenchPaperRun]) -> BenchPaperRun? {
        runs.min { a, b in
            switch (a.roundsToTarget, b.roundsToTarget) {
            case let (x?, y?): x < y
            case (_?, nil): true
            case (nil, _?): false
            case (nil, nil): (a.bestTestAccuracy ?? 0) > (b.bestTestAccuracy ?? 0)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case lr
        case roundsToTarget = "rounds_to_target"
        case roundsRun = "rounds_run"
        case finalTestAccuracy = "final_test_accuracy"
        case bestTestAccuracy = "best_test_accuracy"
        case secondsPerRound = "seconds_per_round"
        case accuracyCurve = "accuracy_curve"
    }
}

/// What `fedz bench paper` prints: the setting, the paper's figure and every run.
struct BenchPaperReport: Encodable {
    var setting: String
    var model: String
    var partition: String
    var strategy: String
    var localEpochs: Int
    var batchSize: Int?
    var targetAccuracy: Double
    var roundBudget: Int
    var paperRoundsToTarget: Int?
    var extraArguments: [String]
    var runs: [BenchPaperRun]
    var best: BenchPaperRun?

    enum CodingKeys: String, CodingKey {
        case setting, model, partition, strategy, runs, best
        case localEpochs = "local_epochs"
        case batchSize = "batch_size"
        case targetAccuracy = "target_accuracy"
        case roundBudget = "round_budget"
        case paperRoundsToTarget = "paper_rounds_to_target"
        case extraArguments = "extra_arguments"
    }
}
