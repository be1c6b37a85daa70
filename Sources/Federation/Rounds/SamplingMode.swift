/// How a round draws its clients from the registered ones (`--sampling`).
public enum SamplingMode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Uniformly without replacement from every registered client: how many of a node's
    /// clients a round takes varies from round to round (hypergeometrically).
    case uniform
    /// Stratified by node: the round's sample is split among the nodes in proportion to their
    /// registered clients (largest remainder), then each node's share is drawn uniformly
    /// without replacement from its own clients. A node's share is the same every round, give
    /// or take one client.
    case stratified

    public var description: String { rawValue }

    /// Stratified for the Byzantine-robust strategies, uniform for the others. A robust rule
    /// tolerates a bounded share of bad updates per round (trimmed mean β, Krum's f); stratified
    /// sampling keeps a bad node's share of every round at its share of the clients, where
    /// uniform sampling lets it vary hypergeometrically (0–5 of 10 for a node with 20 % of them).
    public static func `default`(for strategy: StrategySpec) -> SamplingMode {
        strategy.isByzantineRobust ? .stratified : .uniform
    }
}
