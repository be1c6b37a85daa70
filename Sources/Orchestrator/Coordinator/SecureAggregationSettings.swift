import Federation

/// The coordinator's SecAgg+ parameters, from which each round's `SecAggConfig` is made.
struct SecureAggregationSettings: Sendable, Equatable {
    var neighbours: Int
    var threshold: SecAggThreshold
    /// Inputs are clipped to [−clippingRange, clippingRange] before quantisation.
    var clippingRange: Float

    /// The configuration of session `session` among `participants`; `inputTimeout`
    /// covers the clients' training, `stageTimeout` each other stage.
    func config(
        session: Int, participants: [Int], vectorLength: Int, graphSeed: UInt64, stageTimeout: Double, inputTimeout: Double
    ) -> SecAggConfig {
        var config = SecAggConfig(
            round: session, participants: participants.sorted(), neighbours: neighbours, threshold: 2,
            graphSeed: graphSeed, clippingRange: clippingRange, vectorLength: vectorLength, stageTimeout: stageTimeout,
            inputTimeout: inputTimeout)
        config.threshold = threshold.resolve(neighbourhoodSize: NeighbourGraph(config: config).neighbourhoodSize)
        return config
    }
}
