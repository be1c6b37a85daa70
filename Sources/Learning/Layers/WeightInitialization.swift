/// How a dense or convolution layer draws its weights: uniformly in ±limit, the limit set by
/// the layer's fan-in (inputs per output) and fan-out. Biases start at zero. The raw values are
/// the names model definitions use.
public enum WeightInitialization: String, Codable, Sendable, CaseIterable {
    /// ±sqrt(6 / fan-in) (He): keeps the activations' variance through ReLU layers.
    case heUniform = "he-uniform"
    /// ±sqrt(6 / (fan-in + fan-out)) (Glorot).
    case glorotUniform = "glorot-uniform"
    /// ±sqrt(1 / fan-in): PyTorch's default for linear and convolution layers. Smaller than
    /// He's by √6, it starts a deep ReLU network with small logits.
    case fanInUniform = "fan-in-uniform"

    func limit(fanIn: Int, fanOut: Int) -> Float {
        switch self {
        case .heUniform: (6 / Float(fanIn)).squareRoot()
        case .glorotUniform: (6 / Float(fanIn + fanOut)).squareRoot()
        case .fanInUniform: (1 / Float(fanIn)).squareRoot()
        }
    }

    /// `count` weights drawn from `generator`.
    func draw<G: RandomNumberGenerator>(_ count: Int, fanIn: Int, fanOut: Int, generator: inout G) -> [Float] {
        let limit = limit(fanIn: fanIn, fanOut: fanOut)
        return (0..<count).map { _ in Float.random(in: -limit...limit, using: &generator) }
    }
}
