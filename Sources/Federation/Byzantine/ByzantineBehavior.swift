import Learning

/// How a Byzantine node corrupts what it sends, for robustness experiments.
public enum ByzantineBehavior: Sendable, Equatable, CustomStringConvertible {
    /// Sends its honest delta multiplied by the factor (`scale:-10`).
    case scale(Float)
    /// Sends Gaussian noise with this standard deviation instead of a delta (`noise`, `noise:SIGMA`; σ 1 by default).
    case noise(sigma: Float)
    /// Trains on labels mapped l → classCount − 1 − l (`flip-labels`).
    case flipLabels

    /// Parses `scale:FACTOR`, `noise`, `noise:SIGMA` or `flip-labels`.
    public init(_ text: String) throws(PlanError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let number = parts.count == 2 ? Float(parts[1]).flatMap { $0.isFinite ? $0 : nil } : nil
        switch (parts.first ?? "", number) {
        case ("scale", let factor?): self = .scale(factor)
        case ("noise", nil) where parts.count == 1: self = .noise(sigma: 1)
        case ("noise", let sigma?) where sigma > 0: self = .noise(sigma: sigma)
        case ("flip-labels", nil) where parts.count == 1: self = .flipLabels
        default: throw PlanError("unknown Byzantine kind '\(text)'; known: scale:FACTOR, noise[:SIGMA], flip-labels")
        }
    }

    public var description: String {
        switch self {
        case .scale(let factor): "scale:\(factor)"
        case .noise(let sigma): "noise:\(sigma)"
        case .flipLabels: "flip-labels"
        }
    }

    /// The local data this node trains on: flipped labels for `flipLabels`, else unchanged.
    public func corrupt(_ data: LabeledData) -> LabeledData {
        guard case .flipLabels = self else { return data }
        var flipped = data
        let top = Int32(data.classCount - 1)
        flipped.labels = data.labels.map { top - $0 }
        return flipped
    }

    /// The delta this node sends instead of `delta`; noise is drawn from `seed`.
    public func corrupt(_ delta: [Tensor], seed: UInt64) -> [Tensor] {
        switch self {
        case .scale(let factor):
            return delta.map { Tensor(shape: $0.shape, values: $0.values.map { $0 * factor }) }
        case .noise(let sigma):
            var generator = SeededGenerator(seed: seed)
            return delta.map { tensor in
                Tensor(shape: tensor.shape, values: tensor.values.map { _ in
                    sigma * Float(RandomDraws.normal(using: &generator))
                })
            }
        case .flipLabels:
            return delta
        }
    }
}
