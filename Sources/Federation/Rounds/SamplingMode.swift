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
}
