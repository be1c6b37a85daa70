import Foundation
@testable import Learning
import Testing

/// All Learning tests, run one at a time so timing-sensitive tests don't compete for the two cores.
@Suite(.serialized) struct LearningTests {}

/// Shared inputs: the MNIST files shipped in `<repo>/data/mnist`, each split loaded once.
enum Fixtures {
    static let mnistDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data/mnist").path

    private static let trainResult = Result { try MNIST.load(.train, from: mnistDirectory) }
    private static let testResult = Result { try MNIST.load(.test, from: mnistDirectory) }

    static func train() throws -> LabeledData { try trainResult.get() }
    static func test() throws -> LabeledData { try testResult.get() }

    /// A tensor of `shape` with values uniform in `range`.
    static func randomTensor(_ shape: [Int], in range: ClosedRange<Float> = -1...1,
                             generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, values: (0..<shape.elementCount).map { _ in Float.random(in: range, using: &generator) })
    }

    /// A fresh empty temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fedz-learning-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
