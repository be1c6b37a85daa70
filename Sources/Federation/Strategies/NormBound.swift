import FedzProtocol

/// The largest delta norm `NormBounded` lets through: a fixed number, or the median of
/// the round's delta norms, so that no update weighs more than a typical one whatever the
/// scale of honest updates (which shrinks as training converges).
public enum NormBound: Sendable, Equatable, CustomStringConvertible {
    case fixed(Float)
    case median

    /// "median" or a positive number.
    public init(parsing text: String) throws(PlanError) {
        if text == "median" {
            self = .median
        } else if let value = Float(text), value > 0, value.isFinite {
            self = .fixed(value)
        } else {
            throw PlanError("--clip-norm must be a positive number or 'median', not '\(text)'")
        }
    }

    public var description: String {
        switch self {
        case .fixed(let value): "\(value)"
        case .median: "median"
        }
    }

    /// The bound for a round whose deltas have these norms (non-empty).
    func limit(norms: [Float]) -> Float {
        switch self {
        case .fixed(let value):
            return value
        case .median:
            return norms.median ?? 0
        }
    }
}
