import Foundation

/// Tiny Shakespeare as next-character prediction, split by speaking role (see data/shakespeare/README.md).
public enum Shakespeare {
    /// The file and its SHA-256.
    static let fileName = "input.txt"
    static let checksum = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"

    /// The 65 characters of the text, in byte order; a character's id is its index here.
    public static let vocabulary = Array("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// Every tenth window of each role is a test sample.
    static let testEvery = 10

    /// Loads `split` from `input.txt` in `directory` after checking its SHA-256: samples of
    /// `steps` character ids (as Floats) whose labels are the next character at every position,
    /// grouped by speaking role (`groups`, roles numbered by first appearance).
    public static func load(_ split: DataSplit, from directory: String,
                            steps: Int = ModelZoo.characterSteps) throws -> LabeledData {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
        let bytes = [UInt8](try VerifiedFile.contents(of: path, sha256: checksum))
        var ids = [Int32](repeating: -1, count: 256)
        for (index, byte) in vocabulary.enumerated() { ids[Int(byte)] = Int32(index) }
        var features: [Float] = [], labels: [Int32] = [], groups: [Int32] = []
        for (role, text) in roleTexts(bytes).enumerated() {
            let windows = text.count > steps ? (text.count - 1) / steps : 0
            for window in 0..<windows where (window % testEvery == testEvery - 1) == (split == .test) {
                let start = window * steps
                for position in start..<(start + steps) {
                    let (input, target) = (ids[Int(text[position])], ids[Int(text[position + 1])])
                    guard input >= 0, target >= 0 else {
                        throw LearningError(.malformedFile(path: path, reason: "character outside the vocabulary"))
                    }
                    features.append(Float(input))
                    labels.append(target)
                }
                groups.append(Int32(role))
            }
        }
        return LabeledData(features: features, labels: labels, featureShape: [steps], classCount: vocabulary.count,
                           labelsPerSample: steps, groups: groups)
    }

    /// Each speaking role's lines joined by newlines, roles in order of first appearance. A speech
    /// is a block after a blank line whose first line is `NAME:`; a block without one continues the
    /// previous speech.
    static func roleTexts(_ bytes: [UInt8]) -> [[UInt8]] {
        var roles: [[UInt8]: Int] = [:]
        var texts: [[UInt8]] = []
        var current: Int?
        for block in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .split(whereSeparator: \.isEmpty) {
            var lines = block[...]
            if let first = lines.first, first.last == UInt8(ascii: ":") {
                let name = Array(first.dropLast())
                current = roles[name] ?? {
                    texts.append([])
                    roles[name] = texts.count - 1
                    return texts.count - 1
                }()
                lines = lines.dropFirst()
            }
            guard let role = current else { continue }
            for line in lines {
                if !texts[role].isEmpty { texts[role].append(UInt8(ascii: "\n")) }
                texts[role].append(contentsOf: line)
            }
        }
        return texts
    }
}
