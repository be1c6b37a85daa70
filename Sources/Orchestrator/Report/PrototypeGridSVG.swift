import Learning

/// A prototype map drawn as an SVG grid of grey images, one per unit in its grid place
/// (for MNIST: 10×10 images of 28×28 pixels). Values are scaled between the smallest and
/// largest over all prototypes, high values dark, in 16 grey levels (one path per level).
enum PrototypeGridSVG {
    /// The SVG of `prototypes` (rows × columns units of height × width values, row-major).
    static func render(prototypes: [Float], rows: Int, columns: Int, height: Int, width: Int, pixel: Int = 3) -> String {
        let size = height * width
        precondition(prototypes.count == rows * columns * size, "PrototypeGridSVG: \(prototypes.count) values for the grid")
        let low = prototypes.min() ?? 0, high = prototypes.max() ?? 1
        let span = high > low ? high - low : 1
        let levels = 16, gap = 2
        var paths = [String](repeating: "", count: levels)
        for unit in 0..<(rows * columns) {
            let left = (unit % columns) * (width * pixel + gap) + gap, top = (unit / columns) * (height * pixel + gap) + gap
            for index in 0..<size {
                let level = min(levels - 1, Int((prototypes[unit * size + index] - low) / span * Float(levels)))
                guard level > 0 else { continue }
                paths[level] += "M\(left + index % width * pixel) \(top + index / width * pixel)h\(pixel)v\(pixel)h-\(pixel)z"
            }
        }
        let totalWidth = columns * (width * pixel + gap) + gap, totalHeight = rows * (height * pixel + gap) + gap
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(totalWidth)\" height=\"\(totalHeight)\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"#ddd\"/>\n"
        for unit in 0..<(rows * columns) {
            let left = (unit % columns) * (width * pixel + gap) + gap, top = (unit / columns) * (height * pixel + gap) + gap
            svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(width * pixel)\" height=\"\(height * pixel)\" fill=\"#fff\"/>\n"
        }
        for (level, path) in paths.enumerated() where !path.isEmpty {
            let grey = 255 - 255 * level / (levels - 1)
            svg += "<path fill=\"rgb(\(grey),\(grey),\(grey))\" d=\"\(path)\"/>\n"
        }
        return svg + "</svg>\n"
    }
}

extension PrototypeGridSVG {
    /// The SVG of the prototypes in `weights` of a model of `architecture` (som, competitive),
    /// its square images laid out on the model's grid.
    static func render(architecture: String, weights: [Tensor]) throws -> String {
        guard ModelZoo.prototypeNames.contains(architecture),
              let map = try ModelZoo.learner(architecture, seed: 0) as? PrototypeLearner else {
            throw FedzError("model \(architecture) has no prototypes to draw; prototype models: \(ModelZoo.prototypeNames.sorted().joined(separator: ", "))")
        }
        let side = Int(Double(map.map.features).squareRoot())
        guard let prototypes = weights.first, prototypes.shape == [map.map.unitCount, map.map.features],
              side * side == map.map.features else {
            throw FedzError("\(architecture) weights are not \(map.map.unitCount) square images of \(map.map.features) values")
        }
        return render(prototypes: prototypes.values, rows: map.map.rows, columns: map.map.columns, height: side, width: side)
    }
}
