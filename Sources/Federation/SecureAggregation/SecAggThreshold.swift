/// How many shares reconstruct a secret: a fixed count, or a fraction of the
/// neighbourhood (a client and its neighbours), which varies with the clients sampled.
public enum SecAggThreshold: Sendable, Equatable, CustomStringConvertible {
    case count(Int)
    /// t = ⌊f·s⌋ + 1 for a neighbourhood of s: more than the fraction f of it.
    case fraction(Double)

    /// A whole number ≥ 2 is a count, a number in (0, 1) a fraction.
    public init?(_ text: String) {
        if let count = Int(text), count >= 2 {
            self = .count(count)
        } else if let fraction = Double(text), fraction > 0, fraction < 1 {
            self = .fraction(fraction)
        } else {
            return nil
        }
    }

    /// The threshold for neighbourhoods of `size` (at least 2): in 2...size.
    public func resolve(neighbourhoodSize size: Int) -> Int {
        let wanted = switch self {
        case .count(let count): count
        case .fraction(let fraction): Int((fraction * Double(size)).rounded(.down)) + 1
        }
        return min(max(wanted, 2), size)
    }

    public var description: String {
        switch self {
        case .count(let count): "\(count)"
        case .fraction(let fraction): "\(fraction)"
        }
    }
}
