import Foundation
@testable import Learning
import Testing

/// Plain text as a language model's samples: token ids as the definition says, windows labelled
/// with the next token at every position, and a character outside an alphabet named by line.
extension LearningTests {
    @Suite struct TextDataTests {
        static func file(_ text: String) throws -> String {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-text-\(UUID().uuidString).txt")
            try Data(text.utf8).write(to: url)
            return url.path
        }

        @Test func windowsAreLabelledWithTheNextTokenAtEveryStep() throws {
            let path = try Self.file("abcabcab")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let data = try TextData.load(path: path, tokens: .characters(alphabet: "abc"), steps: 3, vocabulary: 3)
            // 8 characters: two windows of 3, each with the next character after it.
            #expect(data.features == [0, 1, 2, 0, 1, 2])
            #expect(data.labels == [1, 2, 0, 1, 2, 0])
            #expect(data.count == 2 && data.labelsPerSample == 3 && data.featureShape == [3] && data.classCount == 3)
            let bytes = try TextData.load(path: path, tokens: .bytes, steps: 7, vocabulary: 256)
            #expect(bytes.features == [97, 98, 99, 97, 98, 99, 97] && bytes.labels == [98, 99, 97, 98, 99, 97, 98])
        }

        @Test func wordsAreLowercasedAndHashedTheSameEverywhere() throws {
            let ids = try TextData.ids(of: "The cat's hat, THE CAT'S!\nthe", tokens: .words, vocabulary: 1000, path: "t")
            #expect(ids.count == 6)
            #expect(ids[0] == ids[3] && ids[0] == ids[5] && ids[1] == ids[4] && ids[1] != ids[2])
            // FNV-1a 64 of "the" modulo 1,000, as any node computes it.
            let the = "the".utf8.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
            #expect(ids[0] == Int32(the % 1000))
        }

        @Test func problemsNameTheFileAndPlace() throws {
            let path = try Self.file("ab\nbaz")
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: LearningError(.malformedFile(path: path, reason: "line 2, column 3: character U+007A is not in the model's alphabet"))) {
                try TextData.load(path: path, tokens: .characters(alphabet: "ab\n"), steps: 2, vocabulary: 3)
            }
            #expect(throws: LearningError(.malformedFile(path: path, reason: "6 tokens: the model reads windows of 8, and the next token after each"))) {
                try TextData.load(path: path, tokens: .bytes, steps: 8, vocabulary: 256)
            }
        }
    }
}
