import Foundation

/// (ε, δ) spent so far, at the Rényi order that gave the smallest ε.
public struct PrivacyLoss: Codable, Sendable, Equatable {
    public var epsilon: Double
    public var delta: Double
    public var order: Double
    /// Mechanism applications composed so far (rounds).
    public var steps: Int

    public init(epsilon: Double, delta: Double, order: Double, steps: Int) {
        self.epsilon = epsilon
        self.delta = delta
        self.order = order
        self.steps = steps
    }
}

/// A Rényi-DP accountant for rounds of the subsampled Gaussian mechanism: it adds
/// each round's RDP at a fixed set of orders (RDP composes by addition) and
/// converts to (ε, δ) with the bound of Balle et al. 2020 (Prop. 12, arXiv
/// 2004.00010), as dp-accounting does.
public struct RDPAccountant: Codable, Sendable, Equatable {
    /// dp-accounting's default orders: 1.1 … 10.9 by 0.1, 11 … 63, 128, 256, 512, 1024.
    public static let defaultOrders: [Double] = {
        let fine: [Double] = (1..<100).map { 1 + Double($0) / 10 }
        let whole: [Double] = (11..<64).map { Double($0) }
        return fine + whole + [128, 256, 512, 1024]
    }()

    public let orders: [Double]
    /// The composed RDP at each order.
    public private(set) var rdp: [Double]
    public private(set) var steps = 0

    public init(orders: [Double] = defaultOrders) {
        precondition(orders.allSatisfy { $0 > 1 }, "Rényi orders must exceed 1")
        self.orders = orders
        rdp = [Double](repeating: 0, count: orders.count)
    }

    /// Composes `steps` rounds that each sample clients at rate `samplingRate` and add
    /// Gaussian noise of `noiseMultiplier` × the clipping norm to the sum.
    public mutating func compose(samplingRate: Double, noiseMultiplier: Double, steps: Int = 1) {
        for index in orders.indices {
            rdp[index] += Double(steps)
                * SampledGaussianRDP.rdp(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, order: orders[index])
        }
        self.steps += steps
    }

    /// The smallest ε over the orders such that the composition is (ε, δ)-DP.
    public func loss(delta: Double) -> PrivacyLoss {
        precondition(delta > 0 && delta < 1, "δ must be in (0, 1)")
        var best = PrivacyLoss(epsilon: .infinity, delta: delta, order: orders[0], steps: steps)
        for (alpha, r) in zip(orders, rdp) {
            let epsilon: Double
            if delta * delta + expm1(-r) > 0 {
                epsilon = 0
            } else if alpha > 1.01 {
                epsilon = r + log1p(-1 / alpha) - log(delta * alpha) / (alpha - 1)
            } else {
                epsilon = .infinity
            }
            if epsilon < best.epsilon {
                best.epsilon = epsilon
                best.order = alpha
            }
        }
        best.epsilon = max(0, best.epsilon)
        return best
    }
}
