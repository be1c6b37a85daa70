/// A labelled data set: `count` samples of `featureShape` stored row-major in `features`
/// (count × featureSize floats) and one integer label in `0..<classCount` per sample.
public struct LabeledData: Sendable {
    /// All samples' features, one row of `featureSize` floats per sample.
    public var features: [Float]
    /// One label per sample.
    public var labels: [Int32]
    /// Shape of one sample, e.g. [28, 28].
    public var featureShape: [Int]
    /// Number of classes the labels index into.
    public var classCount: Int

    /// A data set; `features.count` must be `labels.count` × the product of `featureShape`.
    public init(features: [Float], labels: [Int32], featureShape: [Int], classCount: Int) {
        precondition(features.count == labels.count * featureShape.elementCount,
                     "LabeledData: \(features.count) features for \(labels.count) samples of \(featureShape)")
        self.features = features
        self.labels = labels
        self.featureShape = featureShape
        self.classCount = classCount
    }

    /// Number of samples.
    public var count: Int { labels.count }

    /// Floats per sample.
    public var featureSize: Int { featureShape.elementCount }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabeledData {
        let size = featureSize
        let gathered = [Float](unsafeUninitializedCapacity: indices.count * size) { buffer, initialized in
            features.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    precondition(index >= 0 && index < count, "subset: index \(index) out of 0..<\(count)")
                    (buffer.baseAddress! + row * size)
                        .initialize(from: source.baseAddress! + index * size, count: size)
                }
            }
            initialized = indices.count * size
        }
        return LabeledData(features: gathered, labels: indices.map { labels[$0] },
                           featureShape: featureShape, classCount: classCount)
    }

    /// The first label outside `0..<classCount`, if any.
    func firstInvalidLabel(classCount: Int) -> LearningError? {
        guard let index = labels.firstIndex(where: { $0 < 0 || Int($0) >= classCount }) else { return nil }
        return LearningError(.labelOutOfRange(label: labels[index], index: index, classCount: classCount))
    }
}
