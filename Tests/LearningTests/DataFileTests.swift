import Foundation
@testable import Learning
import Testing

/// A node's own data files: NumPy archives as NumPy writes them, IDX pairs raw and gzip, CSV,
/// folders, and every problem named by its file.
extension LearningTests {
    @Suite struct DataFileTests {
        static let x: [Float] = [0.5, -1.25, 3, 1, 2, 3, 4, 5, 6.5, -7, 8, 9]

        /// A fresh folder under the temporary directory.
        static func folder() throws -> URL {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-data-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return url
        }

        static func write(_ bytes: [UInt8], _ name: String, in folder: URL) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }

        /// The description of the error `load` throws, or nil.
        static func problem(_ path: String, featureShape: [Int] = [3], classCount: Int = 3) -> String? {
            do {
                _ = try DataFile.load(path: path, featureShape: featureShape, classCount: classCount)
                return nil
            } catch {
                return error.description
            }
        }

        @Test func numPyArchivesStoredAndDeflatedReadAsNumPyWroteThem() throws {
            let folder = try Self.folder()
            defer { try? FileManager.default.removeItem(at: folder) }
            for (name, bytes) in [("stored.npz", NumPyFixtures.stored), ("compressed.npz", NumPyFixtures.compressed)] {
                let data = try DataFile.load(path: Self.write(bytes, name, in: folder), featureShape: [3], classCount: 3)
                #expect(data.features == Self.x)
                #expect(data.labels == [0, 2, 1, 2])
                #expect(data.featureShape == [3] && data.classCount == 3)
            }
            // Unsigned bytes are pixels: scaled to [0, 1]; a [2, 2] sample fits a flat input of 4.
            let pixels = try Self.write(NumPyFixtures.pixels, "pixels.npz", in: folder)
            let data = try DataFile.load(path: pixels, featureShape: [4], classCount: 2)
            let expected: [Float] = [0, 255, 51, 102, 1, 2, 3, 4].map { $0 / 255 }
            #expect(data.features == expected)
            #expect(data.labels == [1, 0] && data.featureShape == [4])
            #expect(Self.problem(pixels, featureShape: [2, 3], classCount: 2)
                == "file \(pixels)/x.npy: samples of shape [2, 2], but the model takes [2, 3]")
            #expect(Self.problem(pixels, featureShape: [2, 2], classCount: 1)
                == "file \(pixels)/y.npy: label 1.0 at sample 0 is not a class in 0..<1")
        }

        @Test func aDamagedArchiveIsAnErrorNotACrash() throws {
            let folder = try Self.folder()
            defer { try? FileManager.default.removeItem(at: folder) }
            // A flipped byte in x.npy's deflated data: the CRC (or inflate) catches it.
            var damaged = NumPyFixtures.compressed
            damaged[120] ^= 0x55
            let path = try Self.write(damaged, "damaged.npz", in: folder)
            #expect(Self.problem(path)?.hasPrefix("file \(path)/x.npy: ZIP: ") == true)
            // Cut short: the directory at the end is gone.
            let cut = try Self.write(Array(NumPyFixtures.stored.prefix(300)), "cut.npz", in: folder)
            #expect(Self.problem(cut) == "file \(cut): ZIP: no end of central directory: not a ZIP archive")
            // Every prefix and a corrupt byte at every offset of the stored archive: errors only.
            for length in stride(from: 0, to: NumPyFixtures.stored.count, by: 7) {
                _ = Self.problem(try Self.write(Array(NumPyFixtures.stored.prefix(length)), "p.npz", in: folder))
            }
            for offset in NumPyFixtures.stored.indices {
                var bytes = NumPyFixtures.stored
                bytes[offset] ^= 0xFF
                _ = Self.problem(try Self.write(bytes, "b.npz", in: folder))
            }
        }

        @Test func npyHeadersAreCheckedBeforeAnythingIsAllocated() {
            func npy(_ header: String, payload: Int) -> [UInt8] {
                let text = Array(header.utf8)
                return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(text.count), 0] + text + [UInt8](repeating: 0, count: payload)
            }
            func problem(_ bytes: [UInt8]) -> String? {
                do { _ = try NPYFile.parse(bytes, path: "a.npy"); return nil } catch { return error.description }
            }
            #expect(problem(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", payload: 24)) == nil)
            #expect(problem(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", payload: 20))
                == "file a.npy: NPY: 20 bytes of data for shape [2, 3] of <f4, expected 24")
            #expect(problem(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 3), }", payload: 0))
                == "file a.npy: NPY: shape [9223372036854775807, 3] holds more than 268435456 values")
            #expect(problem(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", payload: 4))
                == "file a.npy: NPY: dtype '>f4' is big-endian; save little-endian arrays")
            #expect(problem(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", payload: 8))
                == "file a.npy: NPY: dtype '<c8' is not read: integers and floats only")
            #expect(problem(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", payload: 4))
                == "file a.npy: NPY: Fortran-ordered arrays are not read; save with C order")
            #expect(problem(Array("not numpy at all".utf8)) == "file a.npy: NPY: not an .npy array (bad magic string)")
        }

        @Test func featuresAndLabelsAreCheckedAgainstTheModel() {
            func problem(features: NumericArray, labels: NumericArray) -> String? {
                do {
                    _ = try NumericArray.labeledData(
                        features: features, featuresPath: "x", labels: labels, labelsPath: "y", featureShape: [2], classCount: 3)
                    return nil
                } catch { return error.description }
            }
            let labels = NumericArray(shape: [2], values: [0, 2], element: .integer)
            #expect(problem(features: NumericArray(shape: [2, 2], values: [1, 2, 3, 4], element: .float), labels: labels) == nil)
            #expect(problem(features: NumericArray(shape: [2, 2], values: [1, 2, .nan, 4], element: .float), labels: labels)
                == "file x: sample 1, value 0 is nan, not a finite number")
            #expect(problem(features: NumericArray(shape: [2, 2], values: [1, 2, 3, 4], element: .float),
                            labels: NumericArray(shape: [3], values: [0, 1, 2], element: .integer))
                == "file y: labels of shape [3]; expected one per sample, [2]")
            #expect(problem(features: NumericArray(shape: [2, 2], values: [1, 2, 3, 4], element: .float),
                            labels: NumericArray(shape: [2], values: [0, 0.5], element: .float))
                == "file y: labels must be integers, not floating point values")
            #expect(problem(features: NumericArray(shape: [0, 2], values: [], element: .float),
                            labels: NumericArray(shape: [0], values: [], element: .integer))
                == "file x: no samples (shape [0, 2])")
        }

        @Test func aFolderHoldsOneDataSetAnIDXPairRawOrGzipOrOneTable() throws {
            let folder = try Self.folder()
            defer { try? FileManager.default.removeItem(at: folder) }
            // Two 2×2 images of unsigned bytes and their labels, as MNIST ships them.
            let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 51, 102, 255, 255, 0, 0, 0]
            let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2, 1, 0]
            _ = try Self.write(images, "train-images-idx3-ubyte", in: folder)
            let labelsPath = try Self.write(labels, "train-labels-idx1-ubyte", in: folder)
            let raw = try DataFile.load(path: folder.path, featureShape: [2, 2], classCount: 2)
            #expect(raw.features == [0, 0.2, 0.4, 1, 1, 0, 0, 0] && raw.labels == [1, 0])
            // The same files gzip-compressed by gzip itself.
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
            gzip.arguments = [folder.appendingPathComponent("train-images-idx3-ubyte").path, labelsPath]
            try gzip.run()
            gzip.waitUntilExit()
            #expect(gzip.terminationStatus == 0)
            let compressed = try DataFile.load(path: folder.path, featureShape: [2, 2], classCount: 2)
            #expect(compressed.features == raw.features && compressed.labels == raw.labels)
            #expect(Self.problem(folder.path, featureShape: [2, 2], classCount: 1)
                == "file \(labelsPath).gz: label 1.0 at sample 0 is not a class in 0..<1")
            // A table beside the pair: which one is meant is not guessed.
            _ = try Self.write(Array("a,b,label\n1,2,0\n".utf8), "more.csv", in: folder)
            #expect(Self.problem(folder.path) == """
                file \(folder.path): expected one data set in the folder: \(DataFile.formats); \
                it holds more.csv, train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz
                """)
            try FileManager.default.removeItem(atPath: labelsPath + ".gz")
            try FileManager.default.removeItem(at: folder.appendingPathComponent("train-images-idx3-ubyte.gz"))
            let table = try DataFile.load(path: folder.path, featureShape: [2], classCount: 2)
            #expect(table.features == [1, 2] && table.labels == [0])
            #expect(Self.problem(folder.appendingPathComponent("none.csv").path)
                == "missing or unreadable file \(folder.appendingPathComponent("none.csv").path)")
            let other = try Self.write(Array("hello".utf8), "notes.dat", in: folder)
            #expect(Self.problem(other) == "file \(other): not a data file fedz reads; give \(DataFile.formats)")
            let text = try Self.write(Array("hello".utf8), "notes.txt", in: folder)
            #expect(Self.problem(text) == "file \(text): text is for a next-token model; this one classifies samples")
        }
    }
}
