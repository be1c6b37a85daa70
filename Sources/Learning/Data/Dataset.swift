/// The data sets fedz trains on, by name.
public enum Dataset: String, CaseIterable, Sendable {
    /// Handwritten digits, [28, 28] images, 10 classes (`MNIST`).
    case mnist
    /// Tiny Shakespeare, next character at each of 80 positions, grouped by speaking role (`Shakespeare`).
    case shakespeare

    /// Every name `Dataset(rawValue:)` accepts.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// Loads `split` from `directory` (the data set's folder), checking its files' SHA-256.
    public func load(_ split: DataSplit, from directory: String) throws -> LabeledData {
        switch self {
        case .mnist: try MNIST.load(split, from: directory)
        case .shakespeare: try Shakespeare.load(split, from: directory)
        }
    }

    /// Loads only the samples `rows` chooses, in its order, given every sample's label (its
    /// first, for sequences) and group: MNIST never converts the others' features.
    public func load(
        _ split: DataSplit, from directory: String, rows: (_ labels: [Int32], _ groups: [Int32]?) throws -> [Int]
    ) throws -> LabeledData {
        switch self {
        case .mnist:
            return try MNIST.load(split, from: directory) { labels in try rows(labels, nil) }
        case .shakespeare:
            let all = try Shakespeare.load(split, from: directory)
            return all.subset(try rows(all.sampleLabels, all.groups))
        }
    }
}
