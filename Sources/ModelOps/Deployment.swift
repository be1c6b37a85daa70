/// Which version nodes serve, as a pure state machine: the first version goes straight
/// to production; every later one becomes the candidate, and the candidate is promoted
/// only once it beats production on the same fresh field batches — paired reports in
/// which nodes evaluated both — by at least `margin`, over at least `minimumReports`. Under the
/// `manual` policy a candidate is never promoted by field data: production moves only when an
/// admin moves it (`fedz models promote|rollback`).
public struct Deployment: Sendable, Equatable {
    /// Who promotes a candidate.
    public enum Policy: String, Sendable, Equatable, CaseIterable {
        /// Field data does: a candidate that beats production on paired reports is promoted.
        case field
        /// Only an admin does; the first version still goes to production, as nodes have
        /// nothing else to serve.
        case manual
    }

    /// What the shell should do.
    public enum Decision: Sendable, Equatable {
        /// Make this version production (it was the first, or it won on field data, where
        /// it scored `fieldAccuracy`).
        case promote(version: Int, reason: String, fieldAccuracy: Double?)
        /// This version is now the candidate under evaluation.
        case evaluate(version: Int)
    }

    public let policy: Policy
    public let minimumReports: Int
    public let margin: Double
    public private(set) var production: Int?
    public private(set) var candidate: Int?
    private var candidateCorrect = 0.0
    private var productionCorrect = 0.0
    private var samples = 0
    private var reports = 0

    public init(production: Int? = nil, policy: Policy = .field, minimumReports: Int = 3, margin: Double = 0.005) {
        self.production = production
        self.policy = policy
        self.minimumReports = minimumReports
        self.margin = margin
    }

    /// A new version was aggregated.
    public mutating func onNewVersion(_ version: Int) -> Decision {
        guard production != nil else {
            production = version
            return .promote(version: version, reason: "first version", fieldAccuracy: nil)
        }
        candidate = version
        (candidateCorrect, productionCorrect, samples, reports) = (0, 0, 0, 0)
        return .evaluate(version: version)
    }

    /// One field batch evaluated by a node with production and (possibly) the candidate;
    /// reports about other versions, and every report under the `manual` policy, are ignored.
    public mutating func onFieldReport(
        production served: Int, productionAccuracy: Double, candidate evaluated: Int?, candidateAccuracy: Double?,
        samples batch: Int
    ) -> Decision? {
        guard policy == .field, let candidate, served == production, evaluated == candidate, let candidateAccuracy,
              batch > 0
        else {
            return nil
        }
        candidateCorrect += candidateAccuracy * Double(batch)
        productionCorrect += productionAccuracy * Double(batch)
        samples = samples.addingCount(batch)
        reports += 1
        let (candidateScore, productionScore) = (candidateCorrect / Double(samples), productionCorrect / Double(samples))
        guard reports >= minimumReports, candidateScore >= productionScore + margin else { return nil }
        let reason = "field accuracy \(percent(candidateScore)) vs production's \(percent(productionScore)) on \(samples) samples"
        promote(candidate)
        return .promote(version: candidate, reason: reason, fieldAccuracy: candidateScore)
    }

    /// Production moved by other means (a promotion or rollback from the command line).
    public mutating func promote(_ version: Int) {
        production = version
        if candidate == version { candidate = nil }
        (candidateCorrect, productionCorrect, samples, reports) = (0, 0, 0, 0)
    }

    private func percent(_ value: Double) -> String {
        "\((value * 10_000).rounded() / 100) %"
    }
}
