import Foundation

/// The MNIST handwritten digits, from the original gzip-compressed IDX files; Fashion-MNIST
/// shares the format (`FashionMNIST`).
public enum MNIST {
    /// Which half of the data set: 60,000 training or 10,000 test samples.
    public typealias Split = DataSplit

    private static func fileNames(_ split: Split) -> (images: String, labels: String) {
        switch split {
        case .train: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
        case .test: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
        }
    }

    /// SHA-256 of each file as published.
    static let checksums = [
        "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    ]

    /// Normalisation applied after scaling pixels to [0, 1].
    static let mean: Float = 0.1307
    static let standardDeviation: Float = 0.3081

    /// Loads `split` from the IDX .gz files in `directory`: checks each file's SHA-256 before
    /// decoding, then yields features of shape [28, 28] scaled to [0, 1] and normalised with
    /// mean 0.1307 / std 0.3081, and labels 0...9. Errors name the offending file.
    public static func load(_ split: Split, from directory: String) throws -> LabeledData {
        try load(split, from: directory, checksums: checksums)
    }

    /// Loads only the samples `rows` chooses from all labels, in its order, so that the
    /// features of the others are never converted to floats.
    public static func load(
        _ split: Split, from directory: String, rows: ([Int32]) throws -> [Int]
    ) throws -> LabeledData {
        try load(split, from: directory, checksums: checksums, rows: rows)
    }

    /// Loads an MNIST-format data set whose files have these SHA-256 sums: all samples, or those `rows` chooses.
    static func load(
        _ split: Split, from directory: String, checksums: [String: String],
        rows: ([Int32]) throws -> [Int] = { Array($0.indices) }
    ) throws -> LabeledData {
        let names = fileNames(split)
        let imagesPath = URL(fileURLWithPath: directory).appendingPathComponent(names.images).path
        let labelsPath = URL(fileURLWithPath: directory).appendingPathComponent(names.labels).path
        func contents(_ path: String, _ name: String) throws -> [UInt8] {
            try Gzip.decompress(VerifiedFile.contents(of: path, sha256: checksums[name]!), path: path)
        }
        let images = try IDXFile(bytes: contents(imagesPath, names.images), path: imagesPath)
        let labels = try IDXFile(bytes: contents(labelsPath, names.labels), path: labelsPath)
        for (file, path) in [(images, imagesPath), (labels, labelsPath)] where file.type != .unsignedByte {
            throw LearningError(.malformedFile(path: path, reason: "IDX: expected unsigned bytes, found \(file.type)"))
        }
        guard images.dimensions.count == 3, images.dimensions[1] == 28, images.dimensions[2] == 28 else {
            throw LearningError(.malformedFile(path: imagesPath,
                                               reason: "expected n×28×28 images, found \(images.dimensions)"))
        }
        guard labels.dimensions.count == 1, labels.dimensions[0] == images.dimensions[0] else {
            throw LearningError(.malformedFile(
                path: labelsPath, reason: "expected \(images.dimensions[0]) labels, found \(labels.dimensions)"))
        }
        if let index = labels.payload.firstIndex(where: { $0 > 9 }) {
            throw LearningError(.malformedFile(
                path: labelsPath, reason: "label \(labels.payload[index]) at sample \(index - labels.payload.startIndex)"))
        }

        var table = [Float](repeating: 0, count: 256)
        for pixel in 0..<256 { table[pixel] = (Float(pixel) / 255 - mean) / standardDeviation }
        let allLabels = labels.payload.map { Int32($0) }
        let chosen = try rows(allLabels)
        let size = 28 * 28
        let pixels = images.payload
        let features = [Float](unsafeUninitializedCapacity: chosen.count * size) { buffer, initialized in
            table.withUnsafeBufferPointer { table in
                pixels.withUnsafeBufferPointer { source in
                    for (target, row) in chosen.enumerated() {
                        precondition(allLabels.indices.contains(row), "MNIST.load: row \(row) out of 0..<\(allLabels.count)")
                        for i in 0..<size { buffer[target * size + i] = table[Int(source[row * size + i])] }
                    }
                }
            }
            initialized = chosen.count * size
        }
        return LabeledData(features: features, labels: chosen.map { allLabels[$0] }, featureShape: [28, 28], classCount: 10)
    }
}
