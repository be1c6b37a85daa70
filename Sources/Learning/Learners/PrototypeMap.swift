import Foundation

/// Prototype vectors on a `rows` × `columns` grid: the units of competitive learning
/// (where the grid plays no part) and of a Kohonen self-organising map (where a unit's
/// grid neighbours learn with it). Unit `u` sits at row `u / columns`, column `u % columns`.
public struct PrototypeMap: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Floats per prototype (the samples' feature size).
    public let features: Int
    /// One prototype per unit, row-major: units × features.
    public var prototypes: [Float]

    /// A map with the given prototypes (units × features floats).
    public init(rows: Int, columns: Int, features: Int, prototypes: [Float]) {
        precondition(rows > 0 && columns > 0 && features > 0, "PrototypeMap: empty grid or features")
        precondition(prototypes.count == rows * columns * features,
                     "PrototypeMap: \(prototypes.count) floats for \(rows)×\(columns) units of \(features)")
        (self.rows, self.columns, self.features, self.prototypes) = (rows, columns, features, prototypes)
    }

    /// A map whose prototypes are drawn uniformly from ±`spread`.
    public init<G: RandomNumberGenerator>(rows: Int, columns: Int, features: Int, spread: Float, generator: inout G) {
        let values = (0..<(rows * columns * features)).map { _ in Float.random(in: -spread...spread, using: &generator) }
        self.init(rows: rows, columns: columns, features: features, prototypes: values)
    }

    /// Number of units.
    public var unitCount: Int { rows * columns }

    /// The prototype of `unit`.
    public func prototype(_ unit: Int) -> ArraySlice<Float> {
        prototypes[(unit * features)..<((unit + 1) * features)]
    }

    /// The Gaussian neighbourhood weight exp(−d²/2σ²) of `unit` when `winner` wins, d being
    /// their Euclidean distance on the grid and σ `radius`; with radius 0 only the winner learns (1).
    public func neighbourhood(of unit: Int, around winner: Int, radius: Float) -> Float {
        if unit == winner { return 1 }
        guard radius > 0 else { return 0 }
        let rowStep = Float(unit / columns - winner / columns), columnStep = Float(unit % columns - winner % columns)
        return exp(-(rowStep * rowStep + columnStep * columnStep) / (2 * radius * radius))
    }

    /// Whether two units touch on the grid (their rows and columns differ by at most 1).
    public func areAdjacent(_ a: Int, _ b: Int) -> Bool {
        a != b && abs(a / columns - b / columns) <= 1 && abs(a % columns - b % columns) <= 1
    }

    /// The nearest and second-nearest units to `sample` (Euclidean), ties going to the lower index.
    public func bestMatch(for sample: some Collection<Float>) -> BestMatch {
        precondition(sample.count == features, "bestMatch: \(sample.count) features, the map has \(features)")
        var match = BestMatch(first: 0, second: 0, squaredDistance: .infinity)
        var secondDistance = Float.infinity
        for unit in 0..<unitCount {
            var distance: Float = 0
            for (value, weight) in zip(sample, prototype(unit)) { distance += (value - weight) * (value - weight) }
            match.consider(unit, distance, secondDistance: &secondDistance)
        }
        if unitCount == 1 { match.second = 0 }
        return match
    }

    /// The best match of every sample of `data` (same as `bestMatch(for:)` on each, up to
    /// rounding), from ‖x‖² − 2x·w + ‖w‖² in matrix products of a few hundred samples.
    public func bestMatches(in data: LabeledData) -> [BestMatch] {
        precondition(data.featureSize == features, "bestMatches: \(data.featureSize) features, the map has \(features)")
        let units = unitCount, chunk = 256
        let unitNorms = (0..<units).map { unit in prototype(unit).reduce(Float(0)) { $0 + $1 * $1 } }
        var products = [Float](repeating: 0, count: chunk * units)
        var matches: [BestMatch] = []
        matches.reserveCapacity(data.count)
        data.features.withUnsafeBufferPointer { samples in
            prototypes.withUnsafeBufferPointer { weights in
                var start = 0
                while start < data.count {
                    let count = min(chunk, data.count - start)
                    let rows = samples.baseAddress! + start * features
                    products.withUnsafeMutableBufferPointer { products in
                        LinearAlgebra.gemm(transposeB: true, m: count, n: units, k: features,
                                           a: rows, lda: features, b: weights.baseAddress!, ldb: features,
                                           c: products.baseAddress!, ldc: units)
                    }
                    for row in 0..<count {
                        var sampleNorm: Float = 0
                        for index in 0..<features { sampleNorm += rows[row * features + index] * rows[row * features + index] }
                        var match = BestMatch(first: 0, second: 0, squaredDistance: .infinity)
                        var secondDistance = Float.infinity
                        for unit in 0..<units {
                            let distance = max(0, sampleNorm - 2 * products[row * units + unit] + unitNorms[unit])
                            match.consider(unit, distance, secondDistance: &secondDistance)
                        }
                        if units == 1 { match.second = 0 }
                        matches.append(match)
                    }
                    start += count
                }
            }
        }
        return matches
    }

    /// One step of the online rule: every unit moves toward `sample` by `rate` × its
    /// neighbourhood weight around the winner. Returns the largest change of any weight.
    @discardableResult
    public mutating func present(_ sample: some Collection<Float>, rate: Float, radius: Float) -> Float {
        let winner = bestMatch(for: sample).first
        var largest: Float = 0
        for unit in 0..<unitCount {
            let step = rate * neighbourhood(of: unit, around: winner, radius: radius)
            guard step > 0 else { continue }
            for (offset, value) in zip(unit * features..<((unit + 1) * features), sample) {
                let change = step * (value - prototypes[offset])
                prototypes[offset] += change
                largest = max(largest, abs(change))
            }
        }
        return largest
    }
}

/// A sample's nearest unit, its second-nearest, and the squared distance to the nearest.
public struct BestMatch: Sendable, Equatable {
    public var first: Int
    public var second: Int
    public var squaredDistance: Float

    /// Takes `unit` at `distance` into account; `secondDistance` tracks the runner-up's distance.
    mutating func consider(_ unit: Int, _ distance: Float, secondDistance: inout Float) {
        if distance < squaredDistance {
            (second, secondDistance) = (first, squaredDistance)
            (first, squaredDistance) = (unit, distance)
        } else if distance < secondDistance {
            (second, secondDistance) = (unit, distance)
        }
    }
}
