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
    /// Why `fedz run` failed (e.g. the model diverged and every round was abandoned); nil if it finished.
    var error: String?

    init(lr: Float, rounds: [RoundResult], target: Double, error: String? = nil) {
        self.lr = lr
        self.error = error
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
        case lr, error
        case roundsToTarget = "rounds_to_target"
        case roundsRun = "rounds_run"
        case finalTestAccuracy = "final_test_accuracy"
        case bestTestAccuracy = "best_test_accuracy"
        case secondsPerRound = "seconds_per_round"
        case accuracyCurve = "accuracy_curve"
    }
}

/// What `fedz bench paper` prints: the setting with the paper's figure, and every run.
struct BenchPaperReport: Encodable {
    var setting: BenchPaperSetting
    var targetAccuracy: Double
    var roundBudget: Int
    var extraArguments: [String]
    var runs: [BenchPaperRun]
    var best: BenchPaperRun?

    enum CodingKeys: String, CodingKey {
        case setting, runs, best
        case targetAccuracy = "target_accuracy"
        case roundBudget = "round_budget"
        case extraArguments = "extra_arguments"
    }
}
