import Foundation
@testable import Learning
import Testing

extension LearningTests {
    @Suite struct MNISTTests {
        @Test func trainSplitLoads() throws {
            let train = try Fixtures.train()
            #expect(train.count == 60_000)
            #expect(train.featureShape == [28, 28])
            #expect(train.classCount == 10)
            #expect(train.features.count == 60_000 * 784)
            var counts = [Int](repeating: 0, count: 10)
            for label in train.labels { counts[Int(label)] += 1 }
            #expect(counts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        }

        @Test func loadingChosenRowsGivesThoseSamplesOfTheWholeSet() throws {
            var seen: [Int32] = []
            let chosen = try MNIST.load(.test, from: Fixtures.mnistDirectory) { labels in
                seen = labels
                return [9_999, 0, 4_321]
            }
            let whole = try Fixtures.test()
            #expect(seen == whole.labels)
            #expect(chosen.count == 3)
            #expect(chosen.labels == whole.subset([9_999, 0, 4_321]).labels)
            #expect(chosen.features == whole.subset([9_999, 0, 4_321]).features)
        }

        @Test func testSplitLoads() throws {
            let test = try Fixtures.test()
            #expect(test.count == 10_000)
            #expect(test.featureShape == [28, 28])
            #expect(test.features.count == 10_000 * 784)
            #expect(Set(test.labels) == Set(0...9))
            // Pixels 0 and 255 map to (0 − 0.1307) / 0.3081 and (1 − 0.1307) / 0.3081.
            #expect(abs(test.features.min()! - (-0.1307 / 0.3081)) < 1e-5)
            #expect(abs(test.features.max()! - (0.8693 / 0.3081)) < 1e-5)
        }

        @Test func corruptedFileIsNamed() throws {
            let directory = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let source = URL(fileURLWithPath: Fixtures.mnistDirectory)
            try FileManager.default.copyItem(at: source.appendingPathComponent("t10k-labels-idx1-ubyte.gz"),
                                             to: directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
            var images = try Data(contentsOf: source.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
            images[images.count / 2] ^= 0x01
            let corrupted = directory.appendingPathComponent("t10k-images-idx3-ubyte.gz")
            try images.write(to: corrupted)

            let error = #expect(throws: LearningError.self) { try MNIST.load(.test, from: directory.path) }
            guard case let .checksumMismatch(path, expected, actual)? = error?.kind else {
                Issue.record("expected a checksum mismatch, got \(String(describing: error))")
                return
            }
            #expect(path == corrupted.path)
            #expect(expected == "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6")
            #expect(actual != expected)
            #expect(error!.description.contains("t10k-images-idx3-ubyte.gz"))
        }

        @Test func missingFileIsNamed() throws {
            let directory = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let expectedPath = directory.appendingPathComponent("train-images-idx3-ubyte.gz").path
            #expect(throws: LearningError(.missingFile(path: expectedPath))) {
                try MNIST.load(.train, from: directory.path)
            }
            #expect(LearningError(.missingFile(path: expectedPath)).description.contains("train-images-idx3-ubyte.gz"))
        }

        @Test func gzipGrowsPastItsFirstGuess() throws {
            // gzip of 300,000 zero bytes (325 bytes): far beyond the 16× first capacity.
            let header: [UInt8] = [31, 139, 8, 0, 0, 0, 0, 0, 2, 3]
            let deflate: [UInt8] = [237, 193, 1, 13, 0, 0, 0, 194, 160, 247, 79, 109, 15, 7, 20]
                + [UInt8](repeating: 0, count: 290) + [252, 24]
            let trailer: [UInt8] = [251, 226, 178, 246, 224, 147, 4, 0]
            let bytes = try Gzip.decompress(Data(header + deflate + trailer), path: "zeros.gz")
            #expect(bytes.count == 300_000)
            #expect(bytes.allSatisfy { $0 == 0 })
            var truncated = header + deflate
            truncated.removeLast(40)
            #expect(throws: LearningError.self) { try Gzip.decompress(Data(truncated), path: "cut.gz") }
        }

        @Test func malformedGzipIsReported() {
            let garbage = Data((0..<64).map { UInt8($0) })
            #expect(throws: LearningError.self) { try Gzip.decompress(garbage, path: "x.gz") }
        }

        @Test func idxHeaderIsChecked() throws {
            let valid: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]
            let file = try IDXFile(bytes: valid, path: "ok")
            #expect(file.dimensions == [3])
            #expect(Array(file.payload) == [7, 8, 9])
            #expect(throws: LearningError.self) { try IDXFile(bytes: Array(valid.dropLast()), path: "short") }
            #expect(throws: LearningError.self) { try IDXFile(bytes: [0, 0, 0x07, 1, 0, 0, 0, 0], path: "unknown type") }
            // A float file: one value, 1.5, big-endian.
            let float = try IDXFile(bytes: [0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0], path: "float")
            #expect(float.array == NumericArray(shape: [1], values: [1.5], element: .float))
        }
    }
}
