import Foundation

/// One node's accuracy of a deployed version on a batch of fresh local data.
public struct FieldReport: Sendable, Equatable {
    /// The version evaluated.
    public var version: Int
    /// The node that evaluated it.
    public var node: String
    /// Accuracy on the batch, in [0, 1].
    public var accuracy: Double
    /// Samples in the batch.
    public var samples: Int
    /// When the node evaluated it.
    public var time: Date

    /// A report with these facts.
    public init(version: Int, node: String, accuracy: Double, samples: Int, time: Date) {
        self.version = version
        self.node = node
        self.accuracy = accuracy
        self.samples = samples
        self.time = time
    }
}

/// Sample-weighted field accuracy of a version over a set of reports.
public struct FieldAccuracy: Sendable, Equatable {
    /// One node's (or the overall) share.
    public struct Share: Sendable, Equatable {
        /// Sample-weighted mean accuracy.
        public var accuracy: Double
        /// Samples behind it.
        public var samples: Int
        /// Reports behind it.
        public var reports: Int
        /// The latest report's time.
        public var latest: Date
    }

    /// Over every node.
    public var overall: Share
    /// Per node, by node id.
    public var nodes: [String: Share]

    /// The accuracy over `reports`, or nil if they hold no samples.
    public init?(_ reports: [FieldReport]) {
        guard let overall = Share(reports) else { return nil }
        self.overall = overall
        self.nodes = Dictionary(grouping: reports, by: \.node).compactMapValues(Share.init)
    }
}

extension FieldAccuracy.Share {
    init?(_ reports: [FieldReport]) {
        let samples = reports.reduce(0) { $0.addingCount($1.samples) }
        guard samples > 0, let latest = reports.map(\.time).max() else { return nil }
        let weight = reports.reduce(0.0) { $0 + Double(max($1.samples, 0)) }
        accuracy = reports.reduce(0.0) { $0 + $1.accuracy * Double(max($1.samples, 0)) } / weight
        self.samples = samples
        self.reports = reports.count
        self.latest = latest
    }
}
