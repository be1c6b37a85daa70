import Foundation

/// A node's own data, read from the files people keep it in and checked against the model that
/// will train on it: a CSV file with a named label column, a NumPy archive (`.npz`) holding a
/// feature array `x` and a label array `y`, or a folder holding one of those or a pair of IDX
/// files (images and labels, raw or gzip-compressed, as MNIST ships). Features must fit the
/// model's per-sample input and be finite; labels must be classes of its output. Unsigned-byte
/// features (IDX and `uint8` arrays: pixels) are scaled to [0, 1]; all other values are taken as
/// they are. Every problem is an error naming the file (and, for CSV, the line).
public enum DataFile {
    /// What `load` reads, for help texts and errors.
    public static let formats =
        "a .csv file with a label column, a .npz archive with arrays x and y, a .txt file (UTF-8 text, for a next-token model), or a folder holding one of those or an IDX pair (images and labels, raw or .gz)"

    /// The samples at `path` for a model that learns `samples` (`ModelZoo.samples(for:)`).
    public static func load(path: String, labelColumn: String = "label", for samples: ModelZoo.Samples) throws(LearningError) -> LabeledData {
        switch samples {
        case let .labeled(features, classes):
            return try load(path: path, labelColumn: labelColumn, featureShape: features, classCount: classes)
        case let .text(tokens, steps, vocabulary):
            guard case .text(let file) = try Source(path: path) else {
                throw LearningError(.malformedFile(path: path, reason: "a next-token model reads plain text: give a .txt file (or a folder holding one)"))
            }
            guard let tokens else {
                throw LearningError(.malformedFile(path: file, reason: "the model's definition has no tokens (bytes, characters or words) to read text with"))
            }
            return try TextData.load(path: file, tokens: tokens, steps: steps, vocabulary: vocabulary)
        }
    }

    /// The samples at `path` (a file or a folder, see `formats`), shaped to `featureShape`, with
    /// labels in `0..<classCount`; `labelColumn` names a CSV file's label column.
    public static func load(
        path: String, labelColumn: String = "label", featureShape: [Int], classCount: Int
    ) throws(LearningError) -> LabeledData {
        switch try Source(path: path) {
        case .csv(let file):
            return try CSVData.load(path: file, label: labelColumn, featureShape: featureShape, classCount: classCount)
        case .npz(let file):
            let archive = try ZipArchive(bytes: read(file), path: file)
            func array(_ name: String) throws(LearningError) -> NumericArray {
                guard let bytes = try archive.contents(of: "\(name).npy") else {
                    let names = archive.entries.map(\.name).joined(separator: ", ")
                    throw LearningError(.malformedFile(path: file, reason: "no array '\(name)' (it holds \(names)); save with np.savez(path, x=features, y=labels)"))
                }
                return try NPYFile.parse(bytes, path: "\(file)/\(name).npy")
            }
            return try NumericArray.labeledData(
                features: array("x"), featuresPath: "\(file)/x.npy", labels: array("y"), labelsPath: "\(file)/y.npy",
                featureShape: featureShape, classCount: classCount)
        case .text(let file):
            throw LearningError(.malformedFile(path: file, reason: "text is for a next-token model; this one classifies samples"))
        case .idx(let images, let labels):
            return try NumericArray.labeledData(
                features: idx(images), featuresPath: images, labels: idx(labels), labelsPath: labels,
                featureShape: featureShape, classCount: classCount)
        }
    }

    /// Where the data is and in which format.
    enum Source: Equatable {
        case csv(String), npz(String), text(String), idx(images: String, labels: String)

        /// The format of the file at `path`, or of the one data file in the folder at `path`.
        init(path: String) throws(LearningError) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw LearningError(.missingFile(path: path)) }
            guard isFolder.boolValue else {
                switch URL(fileURLWithPath: path).pathExtension.lowercased() {
                case "csv": self = .csv(path)
                case "npz": self = .npz(path)
                case "txt": self = .text(path)
                default:
                    throw LearningError(.malformedFile(path: path, reason: "not a data file fedz reads; give \(DataFile.formats)"))
                }
                return
            }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            let folder = URL(fileURLWithPath: path)
            func file(_ name: String) -> String { folder.appendingPathComponent(name).path }
            let tables = names.filter { ["csv", "npz", "txt"].contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            let idx = names.filter { $0.lowercased().contains("idx") }
            let images = idx.filter { !$0.lowercased().contains("label") }, labels = idx.filter { $0.lowercased().contains("label") }
            switch (tables.count, images.count, labels.count) {
            case (1, 0, 0): self = try Source(path: file(tables[0]))
            case (0, 1, 1): self = .idx(images: file(images[0]), labels: file(labels[0]))
            default:
                let found = names.isEmpty ? "it is empty" : "it holds \(names.joined(separator: ", "))"
                throw LearningError(.malformedFile(path: path, reason: "expected one data set in the folder: \(DataFile.formats); \(found)"))
            }
        }
    }

    private static func read(_ path: String) throws(LearningError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw LearningError(.missingFile(path: path)) }
        return [UInt8](data)
    }

    /// An IDX file's values, gunzipped first when it starts with gzip's magic bytes.
    private static func idx(_ path: String) throws(LearningError) -> NumericArray {
        var bytes = try read(path)
        if bytes.starts(with: [0x1F, 0x8B]) {
            do { bytes = try Gzip.decompress(Data(bytes), path: path) } catch let error as LearningError { throw error } catch {
                throw LearningError(.malformedFile(path: path, reason: "\(error)"))
            }
        }
        return try IDXFile(bytes: bytes, path: path).array
    }
}
