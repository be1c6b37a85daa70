/// Body of `secagg_masked_input`; its one uint32 tensor frame, named `masked` and
/// shaped `[vectorLength]`, holds the masked input.
public struct MaskedInputReport: Codable, Sendable, Equatable {
    /// The secure-aggregation session (`SecAggConfig.round`).
    public var round: Int
    public var client: Int
    /// The client's mean training loss, as in `update`; absent under differential privacy.
    public var trainLoss: Double?

    public init(round: Int, client: Int, trainLoss: Double?) {
        self.round = round
        self.client = client
        self.trainLoss = trainLoss
    }

    /// The name of the tensor frame.
    public static let tensorName = "masked"
}
