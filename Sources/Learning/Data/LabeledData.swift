/// A labelled data set: `count` samples of `featureShape` stored row-major in `features`
/// (count × featureSize floats) and `labelsPerSample` integer labels in `0..<classCount` per
/// sample: one for classification, one per time step for a sequence (e.g. the next character
/// at each of 80 positions). `groups`, when present, names each sample's natural owner (e.g.
/// its speaking role) for partitioners that keep owners together.
public struct LabeledData: Sendable {
    /// All samples' features, one row of `featureSize` floats per sample.
    public var features: [Float]
    /// `labelsPerSample` labels per sample, sample after sample.
    public var labels: [Int32]
    /// Shape of one sample, e.g. [28, 28].
    public var featureShape: [Int]
    /// Number of classes the labels index into.
    public var classCount: Int
    /// Labels of one sample: 1 for classification, the number of steps for sequence targets.
    public var labelsPerSample: Int
    /// One group id per sample, or nil.
    public var groups: [Int32]?

    /// A data set; `features.count` must be the sample count × the product of `featureShape`, and
    /// `labels.count` the sample count × `labelsPerSample`.
    public init(features: [Float], labels: [Int32], featureShape: [Int], classCount: Int,
                labelsPerSample: Int = 1, groups: [Int32]? = nil) {
        precondition(labelsPerSample > 0 && labels.count % labelsPerSample == 0,
                     "LabeledData: \(labels.count) labels is not a multiple of \(labelsPerSample) per sample")
        let count = labels.count / labelsPerSample
        precondition(features.count == count * featureShape.elementCount,
                     "LabeledData: \(features.count) features for \(count) samples of \(featureShape)")
        precondition(groups.map { $0.count == count } ?? true, "LabeledData: one group per sample")
        self.features = features
        self.labels = labels
        self.featureShape = featureShape
        self.classCount = classCount
        self.labelsPerSample = labelsPerSample
        self.groups = groups
    }

    /// Number of samples.
    public var count: Int { labels.count / labelsPerSample }

    /// Floats per sample.
    public var featureSize: Int { featureShape.elementCount }

    /// The label of each sample (its first label for sequences): what label-based partitioners sort by.
    public var sampleLabels: [Int32] {
        labelsPerSample == 1 ? labels : stride(from: 0, to: labels.count, by: labelsPerSample).map { labels[$0] }
    }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabeledData {
        LabeledData(features: Self.gather(features, rowSize: featureSize, indices, count: count),
                    labels: Self.gather(labels, rowSize: labelsPerSample, indices, count: count),
                    featureShape: featureShape, classCount: classCount, labelsPerSample: labelsPerSample,
                    groups: groups.map { groups in indices.map { groups[$0] } })
    }

    /// Rows `indices` (each `rowSize` elements) of `source`, in that order.
    private static func gather<T>(_ source: [T], rowSize: Int, _ indices: [Int], count: Int) -> [T] {
        [T](unsafeUninitializedCapacity: indices.count * rowSize) { buffer, initialized in
            source.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    precondition(index >= 0 && index < count, "subset: index \(index) out of 0..<\(count)")
                    (buffer.baseAddress! + row * rowSize)
                        .initialize(from: source.baseAddress! + index * rowSize, count: rowSize)
                }
            }
            initialized = indices.count * rowSize
        }
    }

    /// The first label outside `0..<classCount`, if any (`index` counts labels, not samples).
    func firstInvalidLabel(classCount: Int) -> LearningError? {
        guard let index = labels.firstIndex(where: { $0 < 0 || Int($0) >= classCount }) else { return nil }
        return LearningError(.labelOutOfRange(label: labels[index], index: index, classCount: classCount))
    }
}
