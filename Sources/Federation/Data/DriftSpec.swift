import Learning

/// Drift to inject into a run, parsed from `--drift round=15,kind=rotate:60,fraction=0.5`:
/// from round `round` on, the first `fraction` of the nodes see their data shifted.
/// `stall=S` makes each shift take S seconds more, as on a slow device: a node stays alive
/// and answers while its data shifts, and the liveness tests use it to show that.
public struct DriftSpec: Sendable, Equatable, CustomStringConvertible {
    public var round: Int
    public var shift: DataShift
    public var fraction: Double
    /// Extra time the shift takes (0 to 3,600 s).
    public var stall: Duration

    public init(parsing text: String) throws(PlanError) {
        var round: Int?
        var shift: DataShift?
        var fraction = 1.0
        var stall = Duration.zero
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pieces.count == 2 else { throw PlanError("drift: '\(part)' is not key=value") }
            switch pieces[0] {
            case "round":
                guard let value = Int(pieces[1]), value > 0 else { throw PlanError("drift: round must be a positive number") }
                round = value
            case "kind":
                do { shift = try DataShift(parsing: pieces[1]) } catch { throw PlanError("drift: \(error)") }
            case "fraction":
                guard let value = Double(pieces[1]), value > 0, value <= 1 else {
                    throw PlanError("drift: fraction must be in (0, 1]")
                }
                fraction = value
            case "stall":
                guard let value = Int(pieces[1]), (0...3_600).contains(value) else {
                    throw PlanError("drift: stall must be whole seconds from 0 to 3600")
                }
                stall = .seconds(value)
            default:
                throw PlanError("drift: unknown key '\(pieces[0])'; known: round, kind, fraction, stall")
            }
        }
        guard let round, let shift else { throw PlanError("drift needs round=N and kind=…") }
        self.round = round
        self.shift = shift
        self.fraction = fraction
        self.stall = stall
    }

    /// Whether node `index` of `count` is among the drifting ones.
    public func affects(node index: Int, of count: Int) -> Bool {
        Double(index) < (fraction * Double(count)).rounded(.up)
    }

    public var description: String {
        "round=\(round),kind=\(shift),fraction=\(fraction)" + (stall > .zero ? ",stall=\(stall.components.seconds)" : "")
    }
}
