import Foundation
@testable import Learning
import Testing

/// Tiny Shakespeare loading (checksum, roles, windows) and the by-role partitioner.
extension LearningTests {
    @Suite struct ShakespeareTests {
        static let directory = URL(fileURLWithPath: Fixtures.mnistDirectory)
            .deletingLastPathComponent().appendingPathComponent("shakespeare").path

        @Test func samplesAreNextCharacterWindowsGroupedByRole() throws {
            let train = try Shakespeare.load(.train, from: Self.directory)
            let test = try Shakespeare.load(.test, from: Self.directory)
            #expect(train.featureShape == [80] && train.labelsPerSample == 80 && train.classCount == 65)
            #expect(train.count > 10_000 && test.count > 1_000 && test.count < train.count / 5)
            #expect(Set(train.groups!).count > 200)
            // Labels are the inputs shifted by one position.
            for sample in [0, 777, train.count - 1] {
                let inputs = train.features[(sample * 80)..<(sample * 80 + 80)].map { Int32($0) }
                let labels = Array(train.labels[(sample * 80)..<(sample * 80 + 80)])
                #expect(Array(inputs.dropFirst()) == Array(labels.dropLast()))
            }
            // The first role is "First Citizen", whose first speech begins "Before we proceed".
            let text = String(decoding: train.features[0..<17].map { Shakespeare.vocabulary[Int($0)] }, as: UTF8.self)
            #expect(text == "Before we proceed")
            #expect(train.groups![0] == 0)
        }

        @Test func aChangedFileIsRejected() throws {
            let directory = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try Data("First Citizen:\nHello.\n".utf8).write(to: directory.appendingPathComponent("input.txt"))
            #expect {
                _ = try Shakespeare.load(.train, from: directory.path)
            } throws: { error in
                guard case .checksumMismatch = (error as? LearningError)?.kind else { return false }
                return true
            }
        }

        @Test func byGroupKeepsEachGroupOnOneClient() {
            let groups: [Int32] = [0, 0, 1, 2, 1, 3, 3, 3, 4]
            let parts = Partitioner.byGroup(groups: groups, clients: 3, seed: 9)
            #expect(parts.flatMap { $0 }.sorted() == Array(0..<9))
            for part in parts {
                for group in Set(part.map { groups[$0] }) {
                    #expect(part.filter { groups[$0] == group }.count == groups.filter { $0 == group }.count)
                }
            }
            let perGroup = Partitioner.byGroup(groups: groups, clients: 5, seed: 9)
            #expect(perGroup.allSatisfy { Set($0.map { groups[$0] }).count == 1 })
            #expect(Partitioner.byGroup(groups: groups, clients: 3, seed: 9) == parts)
        }
    }
}
