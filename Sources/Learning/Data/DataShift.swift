import Foundation

/// A change in the data a node sees, for drift injection in tests and demos: the same
/// samples, rotated, relabelled or noisier. Pure and seeded.
public enum DataShift: Sendable, Equatable, CustomStringConvertible {
    /// Images rotated by this many degrees about their centre (bilinear, zero fill).
    case rotate(degrees: Double)
    /// Labels mapped through a fixed random permutation (concept drift).
    case permuteLabels
    /// Gaussian noise of this standard deviation added to every feature.
    case noise(sigma: Double)
    /// The samples replaced by as many drawn from another data set of the same shape
    /// (`fashion-mnist`): a different world.
    case swap(dataset: String)

    /// Parses `rotate:DEG`, `permute-labels`, `noise:SIGMA` or `swap:fashion-mnist`.
    public init(parsing text: String) throws(LearningError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count == 2 ? Double(parts[1]) : nil) {
        case ("rotate", let degrees?): self = .rotate(degrees: degrees)
        case ("permute-labels", nil) where parts.count == 1: self = .permuteLabels
        case ("noise", let sigma?) where sigma >= 0: self = .noise(sigma: sigma)
        case ("swap", nil) where parts.count == 2 && parts[1] == "fashion-mnist": self = .swap(dataset: parts[1])
        default:
            throw LearningError(.invalidConfig(
                "unknown drift kind '\(text)'; known: rotate:DEG, permute-labels, noise:SIGMA, swap:fashion-mnist"))
        }
    }

    public var description: String {
        switch self {
        case .rotate(let degrees): "rotate:\(degrees)"
        case .permuteLabels: "permute-labels"
        case .noise(let sigma): "noise:\(sigma)"
        case .swap(let dataset): "swap:\(dataset)"
        }
    }

    /// Loads what the shift needs besides the data it shifts: the other data set of a
    /// `swap` (its training split, from `directory`); nil for the other kinds.
    public func replacement(from directory: String) throws -> LabeledData? {
        guard case .swap = self else { return nil }
        return try FashionMNIST.load(.train, from: directory)
    }

    /// `data` as it looks after the shift; `seed` fixes the permutation, the noise or the
    /// samples drawn from `replacement` (which a `swap` needs).
    public func apply(to data: LabeledData, seed: UInt64, replacement: LabeledData? = nil) throws -> LabeledData {
        var shifted = data
        var generator = SeededGenerator(seed: seed)
        switch self {
        case .rotate(let degrees):
            precondition(data.featureShape.count == 2, "rotation needs 2-D samples")
            let (height, width) = (data.featureShape[0], data.featureShape[1])
            shifted.features.withUnsafeMutableBufferPointer { target in
                data.features.withUnsafeBufferPointer { source in
                    for sample in 0..<data.count {
                        let offset = sample * height * width
                        Self.rotate(
                            UnsafeBufferPointer(rebasing: source[offset..<offset + height * width]),
                            into: UnsafeMutableBufferPointer(rebasing: target[offset..<offset + height * width]),
                            height: height, width: width, degrees: degrees, fill: Self.background(of: data))
                    }
                }
            }
        case .permuteLabels:
            let permutation = Array(0..<Int32(data.classCount)).shuffled(using: &generator)
            shifted.labels = data.labels.map { permutation[Int($0)] }
        case .swap(let dataset):
            guard let replacement, replacement.featureShape == data.featureShape else {
                throw LearningError(.invalidConfig("drift swap:\(dataset) needs \(dataset) samples of shape \(data.featureShape)"))
            }
            shifted = replacement.subset((0..<data.count).map { _ in Int.random(in: 0..<replacement.count, using: &generator) })
        case .noise(let sigma):
            for index in shifted.features.indices {
                // Box–Muller from two uniform draws.
                let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
                let u2 = Double.random(in: 0..<1, using: &generator)
                shifted.features[index] += Float(sigma * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
            }
        }
        return shifted
    }

    /// The smallest feature value: the normalised background of MNIST-like images, which rotation fills in.
    private static func background(of data: LabeledData) -> Float {
        data.features.prefix(10_000).min() ?? 0
    }

    private static func rotate(
        _ source: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float>,
        height: Int, width: Int, degrees: Double, fill: Float
    ) {
        let angle = degrees * .pi / 180
        let (cosine, sine) = (cos(angle), sin(angle))
        let (centreY, centreX) = (Double(height - 1) / 2, Double(width - 1) / 2)
        for y in 0..<height {
            for x in 0..<width {
                // Inverse mapping: where in the source does this target pixel come from?
                let dy = Double(y) - centreY, dx = Double(x) - centreX
                let sourceY = cosine * dy + sine * dx + centreY
                let sourceX = -sine * dy + cosine * dx + centreX
                let (y0, x0) = (Int(sourceY.rounded(.down)), Int(sourceX.rounded(.down)))
                let (fy, fx) = (Float(sourceY - Double(y0)), Float(sourceX - Double(x0)))
                func pixel(_ row: Int, _ column: Int) -> Float {
                    (0..<height).contains(row) && (0..<width).contains(column) ? source[row * width + column] : fill
                }
                let top = pixel(y0, x0) * (1 - fx) + pixel(y0, x0 + 1) * fx
                let bottom = pixel(y0 + 1, x0) * (1 - fx) + pixel(y0 + 1, x0 + 1) * fx
                target[y * width + x] = top * (1 - fy) + bottom * fy
            }
        }
    }
}
