/// An n-dimensional array read from a data file (NPY, IDX): its shape, its values as floats in
/// row-major order, and what the file stored, which decides how features are scaled and whether
/// the values may be labels.
struct NumericArray: Sendable, Equatable {
    /// The element type a file stored.
    enum Element: Sendable, Equatable {
        /// Unsigned bytes: pixels, scaled by 1/255 when used as features.
        case byte
        /// Other integers (any width, signed or not).
        case integer
        /// Floating point (any width).
        case float
    }

    var shape: [Int]
    var values: [Float]
    var element: Element

    /// Elements in one row (everything after the first axis); 1 for a vector.
    var rowSize: Int { shape.dropFirst().reduce(1, *) }

    /// The product of `dimensions`, or nil when it overflows or passes `limit`.
    static func elementCount(_ dimensions: [Int], limit: Int) -> Int? {
        var count = 1
        for dimension in dimensions {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= limit else { return nil }
            count = product
        }
        return count
    }

    /// The most elements one array may hold (1 GiB of floats): a size is checked against it
    /// before anything is allocated.
    static let maximumElements = 1 << 28
}

extension NumericArray {
    /// The samples `features` (the first axis counting samples) and `labels` make, checked against
    /// a model's per-sample `featureShape` and `classCount`: a sample of the input's shape, or of
    /// as many values when either is flat; byte features scaled to [0, 1], other values as stored;
    /// finite features; integer labels in `0..<classCount`, one per sample. Errors name the files.
    static func labeledData(
        features: NumericArray, featuresPath: String, labels: NumericArray, labelsPath: String,
        featureShape: [Int], classCount: Int
    ) throws(LearningError) -> LabeledData {
        func fail(_ path: String, _ reason: String) -> LearningError { LearningError(.malformedFile(path: path, reason: reason)) }
        guard let count = features.shape.first, count > 0 else { throw fail(featuresPath, "no samples (shape \(features.shape))") }
        let sample = Array(features.shape.dropFirst())
        let fits = sample == featureShape
            || (sample.reduce(1, *) == featureShape.reduce(1, *) && (sample.count <= 1 || featureShape.count == 1))
        guard fits else {
            throw fail(featuresPath, "samples of shape \(sample), but the model takes \(featureShape)")
        }
        guard labels.shape == [count] || labels.shape == [count, 1] else {
            throw fail(labelsPath, "labels of shape \(labels.shape); expected one per sample, [\(count)]")
        }
        guard labels.element != .float || labels.values.allSatisfy({ $0 == $0.rounded() }) else {
            throw fail(labelsPath, "labels must be integers, not floating point values")
        }
        if let index = labels.values.firstIndex(where: { !($0 >= 0 && $0 < Float(classCount)) }) {
            throw fail(labelsPath, "label \(labels.values[index]) at sample \(index) is not a class in 0..<\(classCount)")
        }
        if let index = features.values.firstIndex(where: { !$0.isFinite }) {
            let (row, column) = index.quotientAndRemainder(dividingBy: max(1, features.rowSize))
            throw fail(featuresPath, "sample \(row), value \(column) is \(features.values[index]), not a finite number")
        }
        let values = features.element == .byte ? features.values.map { $0 / 255 } : features.values
        return LabeledData(
            features: values, labels: labels.values.map { Int32($0) }, featureShape: featureShape, classCount: classCount)
    }
}
