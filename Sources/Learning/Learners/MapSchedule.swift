import Foundation

/// How a prototype map's neighbourhood radius and online learning rate shrink: each falls
/// geometrically from its initial to its final value over `steps` steps (epochs of the
/// online rule, rounds of a federation) and stays there.
public struct MapSchedule: Sendable, Equatable {
    public var initialRadius: Float
    public var finalRadius: Float
    public var initialRate: Float
    public var finalRate: Float
    /// Steps from the initial to the final values (≥ 1).
    public var steps: Int

    /// A schedule with every value given; radii ≥ 0 (0: only the winner learns), rates in (0, 1].
    public init(initialRadius: Float, finalRadius: Float, initialRate: Float = 0.5, finalRate: Float = 0.01, steps: Int) {
        precondition(initialRadius >= 0 && finalRadius >= 0 && (initialRadius == 0) == (finalRadius == 0),
                     "MapSchedule: radii must be ≥ 0 and both zero or both positive")
        precondition(initialRate > 0 && initialRate <= 1 && finalRate > 0 && finalRate <= 1, "MapSchedule: rates in (0, 1]")
        precondition(steps > 0, "MapSchedule: steps must be positive")
        (self.initialRadius, self.finalRadius, self.initialRate, self.finalRate, self.steps) =
            (initialRadius, finalRadius, initialRate, finalRate, steps)
    }

    /// The neighbourhood radius σ at `step` (0-based).
    public func radius(at step: Int) -> Float { Self.interpolate(initialRadius, finalRadius, step, steps) }

    /// The online learning rate at `step` (0-based).
    public func rate(at step: Int) -> Float { Self.interpolate(initialRate, finalRate, step, steps) }

    private static func interpolate(_ start: Float, _ end: Float, _ step: Int, _ steps: Int) -> Float {
        guard start > 0, steps > 1 else { return end }
        let progress = Float(min(max(step, 0), steps - 1)) / Float(steps - 1)
        return start * pow(end / start, progress)
    }
}
