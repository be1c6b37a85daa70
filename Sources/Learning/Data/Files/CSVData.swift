import Foundation

/// A labelled data set as people keep one in CSV: a header row naming the columns, one sample a
/// row, numeric features, and an integer label column (0 ..< classes) named by the caller. Rows
/// end in LF or CRLF; a field may be double-quoted ("" inside quotes is a quote). Every problem
/// is an error naming the file, the line and, for a value, its column: a row of the wrong
/// length, a value that is not a finite number, a label that is not a class, no rows at all.
public enum CSVData {
    /// Reads the CSV file at `path`; see `parse`.
    public static func load(
        path: String, label: String, featureShape: [Int]? = nil, classCount: Int? = nil
    ) throws(LearningError) -> LabeledData {
        guard let data = FileManager.default.contents(atPath: path) else { throw LearningError(.missingFile(path: path)) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LearningError(.malformedFile(path: path, reason: "not UTF-8 text"))
        }
        return try parse(text, path: path, label: label, featureShape: featureShape, classCount: classCount)
    }

    /// The samples of `text`: every column but `label` a feature, in file order, the features of a
    /// sample taking `featureShape` (default: [feature columns]; a model's input shape must hold as
    /// many values); labels below `classCount` (default: the largest label + 1, at least 2).
    public static func parse(
        _ text: String, path: String, label: String, featureShape: [Int]? = nil, classCount: Int? = nil
    ) throws(LearningError) -> LabeledData {
        func fail(_ line: Int, _ reason: String) -> LearningError {
            LearningError(.malformedFile(path: path, reason: "line \(line): \(reason)"))
        }
        // "\r\n" is one Character in Swift: split on it as on "\n".
        var rows = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .enumerated().lazy.map { (line: $0.offset + 1, text: $0.element) }
            .filter { !$0.text.allSatisfy(\.isWhitespace) }
            .makeIterator()
        guard let header = rows.next() else { throw LearningError(.malformedFile(path: path, reason: "empty: no header row")) }
        let names = try fields(header.text, line: header.line, fail: fail).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let labelColumn = names.firstIndex(of: label) else {
            throw fail(header.line, "no column named '\(label)'; the columns are \(names.joined(separator: ", "))")
        }
        let featureCount = names.count - 1
        let shape = featureShape ?? [featureCount]
        guard featureCount > 0, shape.reduce(1, *) == featureCount else {
            throw fail(header.line, "\(featureCount) feature column(s), but the model takes \(shape) = \(shape.reduce(1, *)) values a sample")
        }
        var (features, labels) = ([Float](), [Int32]())
        while let row = rows.next() {
            let values = try fields(row.text, line: row.line, fail: fail)
            guard values.count == names.count else {
                throw fail(row.line, "\(values.count) field(s), the header has \(names.count)")
            }
            for (column, value) in values.enumerated() {
                let trimmed = value.trimmingCharacters(in: .whitespaces)
                if column == labelColumn {
                    guard let sampleLabel = Int32(trimmed), sampleLabel >= 0, classCount.map({ Int(sampleLabel) < $0 }) ?? true else {
                        throw fail(row.line, "label '\(trimmed)' is not a class" + (classCount.map { " in 0..<\($0)" } ?? " (an integer ≥ 0)"))
                    }
                    labels.append(sampleLabel)
                } else {
                    guard let number = Float(trimmed), number.isFinite else {
                        throw fail(row.line, "column \(names[column]): '\(trimmed)' is not a finite number")
                    }
                    features.append(number)
                }
            }
        }
        guard !labels.isEmpty else { throw fail(header.line, "a header and no rows") }
        let classes = classCount ?? max(2, Int(labels.max() ?? 0) + 1)
        return LabeledData(features: features, labels: labels, featureShape: shape, classCount: classes)
    }

    /// The fields of one row, quotes removed.
    private static func fields(
        _ row: Substring, line: Int, fail: (Int, String) -> LearningError
    ) throws(LearningError) -> [String] {
        var (fields, field, quoted, index) = ([String](), "", false, row.startIndex)
        while index < row.endIndex {
            let character = row[index]
            index = row.index(after: index)
            if quoted {
                if character == "\"" {
                    if index < row.endIndex, row[index] == "\"" {
                        field.append("\"")
                        index = row.index(after: index)
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        guard !quoted else { throw fail(line, "a quote is not closed") }
        fields.append(field)
        return fields
    }
}
