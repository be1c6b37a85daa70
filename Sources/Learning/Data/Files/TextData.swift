import Foundation

/// Plain UTF-8 text as a next-token model's samples: the text becomes token ids as the model's
/// definition says (`TokenDefinition`), then windows of `steps` ids, one after another, each
/// labelled with the next id at every position (as Tiny Shakespeare's windows are). A character
/// outside a `characters` alphabet is an error naming its line and column.
public enum TextData {
    /// The windows of the text file at `path`.
    public static func load(path: String, tokens: TokenDefinition, steps: Int, vocabulary: Int) throws(LearningError) -> LabeledData {
        guard let data = FileManager.default.contents(atPath: path) else { throw LearningError(.missingFile(path: path)) }
        guard let text = String(data: data, encoding: .utf8) else { throw LearningError(.malformedFile(path: path, reason: "not UTF-8 text")) }
        let ids = try self.ids(of: text, tokens: tokens, vocabulary: vocabulary, path: path)
        let windows = ids.isEmpty ? 0 : (ids.count - 1) / steps
        guard windows > 0 else {
            throw LearningError(.malformedFile(path: path, reason: "\(ids.count) tokens: the model reads windows of \(steps), and the next token after each"))
        }
        var (features, labels) = ([Float](), [Int32]())
        features.reserveCapacity(windows * steps)
        labels.reserveCapacity(windows * steps)
        for position in 0..<(windows * steps) {
            features.append(Float(ids[position]))
            labels.append(ids[position + 1])
        }
        return LabeledData(features: features, labels: labels, featureShape: [steps], classCount: vocabulary, labelsPerSample: steps)
    }

    /// The token ids of `text`.
    static func ids(of text: String, tokens: TokenDefinition, vocabulary: Int, path: String) throws(LearningError) -> [Int32] {
        switch tokens {
        case .bytes:
            return text.utf8.map { Int32($0) }
        case .characters(let alphabet):
            var index: [Unicode.Scalar: Int32] = [:]
            for (position, scalar) in alphabet.unicodeScalars.enumerated() { index[scalar] = Int32(position) }
            var (ids, line, column) = ([Int32](), 1, 1)
            for scalar in text.unicodeScalars {
                guard let id = index[scalar] else {
                    let code = String(scalar.value, radix: 16, uppercase: true)
                    throw LearningError(.malformedFile(path: path, reason: "line \(line), column \(column): character U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code) is not in the model's alphabet"))
                }
                ids.append(id)
                if scalar == "\n" { (line, column) = (line + 1, 1) } else { column += 1 }
            }
            return ids
        case .words:
            var (ids, word) = ([Int32](), [UInt8]())
            func flush() {
                guard !word.isEmpty else { return }
                // FNV-1a, 64 bits.
                let hash = word.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
                ids.append(Int32(hash % UInt64(vocabulary)))
                word.removeAll(keepingCapacity: true)
            }
            for character in text.lowercased() {
                if character.isLetter || character.isNumber || character == "'" { word += Array(character.utf8) } else { flush() }
            }
            flush()
            return ids
        }
    }
}
