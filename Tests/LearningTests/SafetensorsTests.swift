import Foundation
@testable import Learning
import Testing

/// The safetensors format: every built-in network written and read back bit for bit, the bytes
/// exactly as the format lays them out, and hostile files refused with an error naming the file
/// (never a crash, never an allocation the file's size does not bound).
extension LearningTests {
    @Suite struct SafetensorsTests {
        /// A small file's contents: a [2, 3] and a [2] tensor with metadata that needs escaping.
        static let small = Safetensors.Contents(
            tensors: [
                NamedTensor(name: "dense0.weight", tensor: Tensor(shape: [2, 3], values: [1, -2, 3.5, 0, -0.25, 1e-8])),
                NamedTensor(name: "dense0.bias", tensor: Tensor(shape: [2], values: [7, -8])),
            ],
            metadata: ["format": "pt", "note": "a \"quoted\" \\ back\nslash, ünïcode \u{1}"])

        /// The description of the error decoding `bytes` throws, or nil when it decodes.
        static func problem(_ bytes: [UInt8]) -> String? {
            do {
                _ = try Safetensors.decode(bytes, path: "hostile.safetensors")
                return nil
            } catch {
                guard case .malformedFile(path: "hostile.safetensors", _) = error.kind else { return "wrong kind: \(error)" }
                return error.description
            }
        }

        /// A file whose header is `json` (padded to 8 bytes) over `dataSize` bytes of data.
        static func file(_ json: String, dataSize: Int, length: UInt64? = nil) -> [UInt8] {
            var header = Array(json.utf8)
            header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
            var bytes: [UInt8] = []
            withUnsafeBytes(of: (length ?? UInt64(header.count)).littleEndian) { bytes += $0 }
            return bytes + header + [UInt8](repeating: 0, count: dataSize)
        }

        @Test(arguments: ModelDefinition.builtIn.keys.sorted())
        func everyBuiltInNetworkRoundTripsBitForBit(_ name: String) throws {
            let definition = try #require(ModelDefinition.builtIn[name])
            let network = try definition.build(seed: 17)
            var weights = network.parameters()
            // Values that a lossy path would change: signed zero, subnormals, extremes.
            weights[0].values[0] = -0.0
            weights[0].values[1] = .leastNonzeroMagnitude
            weights[0].values[2] = -.greatestFiniteMagnitude
            let url = try Fixtures.temporaryDirectory().appendingPathComponent("\(name).safetensors")
            try SafetensorsExport.write(weights, of: definition, to: url, metadata: ["fedz.version": "3"])

            let read = try SafetensorsExport.read(from: url, of: definition)
            #expect(read.map(\.shape) == weights.map(\.shape))
            #expect(read.map { $0.values.map(\.bitPattern) } == weights.map { $0.values.map(\.bitPattern) })

            let contents = try Safetensors.read(contentsOf: url)
            #expect(contents.tensors.map(\.name) == (try PyTorchLayout(definition)).entries.map(\.name))
            #expect(contents.metadata["format"] == "pt")
            #expect(contents.metadata["fedz.model"] == definition.name)
            #expect(contents.metadata["fedz.version"] == "3")
            let stated = try JSONDecoder().decode(ModelDefinition.self, from: Data(try #require(contents.metadata["fedz.definition"]).utf8))
            #expect(stated == definition)
            let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
            #expect(size > 4 * network.parameterCount, "the file holds every parameter (and zero second biases)")
        }

        @Test func theBytesAreLaidOutAsTheFormatSays() throws {
            let bytes = Safetensors.encode(Self.small)
            let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
            #expect(length % 8 == 0, "the header is padded to a multiple of 8")
            let headerBytes = Array(bytes[8..<(8 + length)])
            let text = String(decoding: headerBytes, as: UTF8.self)
            #expect(text.hasPrefix("{\"__metadata__\":{"))
            let json = text.trimmingCharacters(in: .whitespaces)
            #expect(json.hasSuffix("}") && text.dropFirst(json.count).allSatisfy { $0 == " " }, "only spaces pad the header")
            #expect(text.count - json.count < 8)
            let header = try #require(try JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any])
            #expect(header["__metadata__"] as? [String: String] == Self.small.metadata)
            #expect(Set(header.keys) == ["__metadata__", "dense0.weight", "dense0.bias"])
            // The tensors follow in the order given, their data one after another.
            let weightAt = try #require(text.range(of: "\"dense0.weight\"")).lowerBound
            let biasAt = try #require(text.range(of: "\"dense0.bias\"")).lowerBound
            #expect(weightAt < biasAt)
            let weight = try #require(header["dense0.weight"] as? [String: Any])
            #expect(weight["dtype"] as? String == "F32")
            #expect(weight["shape"] as? [Int] == [2, 3])
            #expect(weight["data_offsets"] as? [Int] == [0, 24])
            #expect(Set(weight.keys) == ["dtype", "shape", "data_offsets"])
            let bias = try #require(header["dense0.bias"] as? [String: Any])
            #expect(bias["shape"] as? [Int] == [2])
            #expect(bias["data_offsets"] as? [Int] == [24, 32])
            #expect(bytes.count == 8 + length + 32)
            let data = Array(bytes[(8 + length)...])
            let values = (0..<8).map { index in
                Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[4 * index + $1]) << (8 * $1) })
            }
            #expect(values == Self.small.tensors[0].tensor.values + Self.small.tensors[1].tensor.values)
            #expect(try Safetensors.decode(bytes, path: "small") == Self.small)
        }

        @Test func aFileWithoutMetadataOrTensorsIsStillAFile() throws {
            let empty = Safetensors.Contents(tensors: [])
            let bytes = Safetensors.encode(empty)
            #expect(String(decoding: bytes[8...], as: UTF8.self) == "{}      ")
            #expect(try Safetensors.decode(bytes, path: "empty") == empty)
            let zeroSized = Safetensors.Contents(tensors: [NamedTensor(name: "none", tensor: Tensor(zeros: [0, 3]))])
            #expect(try Safetensors.decode(Safetensors.encode(zeroSized), path: "zero") == zeroSized)
        }

        @Test func everyTruncationIsRefused() throws {
            let bytes = Safetensors.encode(Self.small)
            for length in 0..<bytes.count {
                let problem = Self.problem(Array(bytes.prefix(length)))
                #expect(problem != nil, "\(length) of \(bytes.count) bytes were accepted")
            }
            let url = try Fixtures.temporaryDirectory().appendingPathComponent("cut.safetensors")
            try Data(bytes.dropLast(5)).write(to: url)
            #expect(throws: LearningError.self) { try Safetensors.read(contentsOf: url) }
        }

        @Test func aHeaderLengthPastTheEndIsRefusedBeforeAnythingIsRead() throws {
            let valid = Safetensors.encode(Self.small)
            for length: UInt64 in [UInt64(valid.count - 7), UInt64(Int.max), .max] {
                var bytes = valid
                withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
                #expect(Self.problem(bytes)?.contains("header length \(length) runs past the end of the file") == true)
                let url = try Fixtures.temporaryDirectory().appendingPathComponent("long.safetensors")
                try Data(bytes).write(to: url)
                #expect(throws: LearningError.self) { try Safetensors.read(contentsOf: url) }
            }
            #expect(Self.problem([1, 2, 3])?.contains("3 bytes are too few") == true)
        }

        @Test func overlapsGapsAndStrayOffsetsAreRefused() {
            let entry = { (name: String, begin: Int, end: Int) in
                "\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\((end - begin) / 4)],\"data_offsets\":[\(begin),\(end)]}"
            }
            let overlapping = Self.file("{\(entry("a", 0, 16)),\(entry("b", 8, 24))}", dataSize: 24)
            #expect(Self.problem(overlapping)?.contains("tensor 'b' (bytes 8..<24) overlaps tensor 'a' (bytes 0..<16)") == true)
            let aliased = Self.file("{\(entry("a", 0, 8)),\(entry("b", 0, 8))}", dataSize: 8)
            #expect(Self.problem(aliased)?.contains("overlaps") == true)
            let gap = Self.file("{\(entry("a", 0, 8)),\(entry("b", 12, 20))}", dataSize: 20)
            #expect(Self.problem(gap)?.contains("bytes 8..<12 of the data section belong to no tensor") == true)
            let leftOver = Self.file("{\(entry("a", 0, 8))}", dataSize: 12)
            #expect(Self.problem(leftOver)?.contains("bytes 8..<12 of the data section belong to no tensor") == true)
            let outside = Self.file("{\(entry("a", 0, 4000))}", dataSize: 8)
            #expect(Self.problem(outside)?.contains("lie outside the data section of 8 bytes") == true)
            let backwards = Self.file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", dataSize: 8)
            #expect(Self.problem(backwards)?.contains("lie outside") == true)
            let wrongCount = Self.file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", dataSize: 8)
            #expect(Self.problem(wrongCount)?.contains("shape [3] of F32 needs 12 bytes, data_offsets [0, 8] hold 8") == true)
            let threeOffsets = Self.file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}", dataSize: 8)
            #expect(Self.problem(threeOffsets)?.contains("data_offsets must be [begin, end]") == true)
        }

        @Test(arguments: ["F16", "BF16", "F64", "I32", "U8", "BOOL", "f32"])
        func onlyF32IsRead(_ dtype: String) {
            let bytes = Self.file("{\"a\":{\"dtype\":\"\(dtype)\",\"shape\":[2],\"data_offsets\":[0,8]}}", dataSize: 8)
            #expect(Self.problem(bytes)?.contains("tensor 'a' has dtype \(dtype): fedz reads F32 only") == true)
        }

        @Test func shapesWhoseSizeOverflowsAreRefused() {
            let overflowing = Self.file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,16],\"data_offsets\":[0,0]}}", dataSize: 0)
            #expect(Self.problem(overflowing)?.contains("the product of shape [4294967296, 4294967296, 16] overflows") == true)
            let tooManyBytes = Self.file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}", dataSize: 0)
            #expect(Self.problem(tooManyBytes)?.contains("holds too many bytes") == true)
            let huge = Self.file("{\"a\":{\"dtype\":\"F32\",\"shape\":[18446744073709551615],\"data_offsets\":[0,0]}}", dataSize: 0)
            #expect(Self.problem(huge)?.contains("is too large") == true)
            let negative = Self.file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,0]}}", dataSize: 0)
            #expect(Self.problem(negative)?.contains("the header is not a safetensors header") == true, "a negative size is no size")
            // A product that wraps to a small number must not pass for one.
            let wrapping = Self.file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387905,4],\"data_offsets\":[0,16]}}", dataSize: 16)
            #expect(Self.problem(wrapping)?.contains("overflows") == true)
        }

        @Test func headersThatAreNotSafetensorsHeadersAreRefused() {
            let cases: [(String, String)] = [
                ("[1, 2]", "must start with '{'"),
                ("", "must start with '{'"),
                ("{\"a\":", "not a safetensors header"),
                ("{\"a\":{\"dtype\":\"F32\",\"shape\":[0]}}", "data_offsets"),
                ("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"extra\":1}}", "unknown field 'extra'"),
                ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,0]}}", "not a safetensors header"),
                ("{\"a\":{\"dtype\":7,\"shape\":[0],\"data_offsets\":[0,0]}}", "not a safetensors header"),
                ("{\"a\":3}", "not a safetensors header"),
                ("{\"__metadata__\":{\"n\":1}}", "not a safetensors header"),
                ("{\"__metadata__\":[]}", "not a safetensors header"),
                ("{} trailing", "not a safetensors header"),
                ("{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}",
                 "not a safetensors header"),
            ]
            for (json, expected) in cases {
                let problem = Self.problem(Self.file(json, dataSize: 0))
                #expect(problem?.contains(expected) == true, "\(json.prefix(60)): \(problem ?? "accepted")")
            }
            let invalidUTF8 = Self.file("{\"\u{FFFD}\":{}}", dataSize: 0).map { $0 == 0xEF ? 0xFF : $0 }
            #expect(Self.problem(invalidUTF8)?.contains("the header is not a safetensors header") == true)
        }

        @Test func aMissingFileOrAFolderIsNamed() throws {
            let path = "/nonexistent/fedz-\(UUID().uuidString).safetensors"
            #expect(throws: LearningError(.missingFile(path: path))) { try Safetensors.read(contentsOf: URL(fileURLWithPath: path)) }
            let folder = try Fixtures.temporaryDirectory()
            #expect(throws: LearningError(.malformedFile(path: folder.path, reason: "safetensors: is a directory, not a file"))) {
                try Safetensors.read(contentsOf: folder)
            }
        }

        @Test func randomDamageNeverCrashes() {
            var generator = SeededGenerator(seed: 5)
            let valid = Safetensors.encode(Self.small)
            for _ in 0..<2_000 {
                var bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                if let contents = try? Safetensors.decode(bytes, path: "damaged") {
                    // Damage the format cannot see (a value, a name's letter, padding) still gives whole tensors.
                    #expect(contents.tensors.allSatisfy { $0.tensor.values.count == $0.tensor.shape.reduce(1, *) })
                }
            }
        }
    }
}

/// The cross-check with real PyTorch, both ways, in the suite (torch and safetensors from PyPI in
/// `.build/python-env`, `deploy/python-env.sh`, run by `make test`): for every built-in network
/// the test writes its file, one input sample and fedz's output; `examples/pytorch/safetensors_check.py`
/// loads each file into the equivalent `torch.nn` module with `load_state_dict(strict=True)`,
/// compares the outputs (exit status 1 past 1e-4) and saves a freshly initialised module's state
/// dict with its output, which the test reads back into fedz (`--init`'s path) and compares.
extension LearningTests {
    @Suite(.serialized) struct SafetensorsTorchCheck {
        static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()

        static func floats(_ values: [Float]) -> Data {
            Data(values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } })
        }

        static func floats(in url: URL) throws -> [Float] {
            let bytes = [UInt8](try Data(contentsOf: url))
            return stride(from: 0, to: bytes.count, by: 4).map { at in
                Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) })
            }
        }

        @Test func pytorchLoadsFedzsWeightsAndFedzLoadsPyTorchs() throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fedz-torch-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            var networks: [String: (Sequential, [Float])] = [:]
            for (name, definition) in ModelDefinition.builtIn {
                let network = try PyTorchLayoutTests.network(definition)
                var generator = SeededGenerator(seed: 21)
                let sample: [Float] = if case let .embedding(vocabulary, _) = definition.layers.first {
                    (0..<definition.input[0]).map { _ in Float(Int.random(in: 0..<vocabulary, using: &generator)) }
                } else {
                    (0..<definition.input.reduce(1, *)).map { _ in Float.random(in: 0...1, using: &generator) }
                }
                let file = folder.appendingPathComponent(name)
                try SafetensorsExport.write(network.parameters(), of: definition, to: file.appendingPathExtension("safetensors"))
                try Self.floats(sample).write(to: file.appendingPathExtension("input.f32"))
                try Self.floats(network.predict(Tensor(shape: [1] + definition.input, values: sample)).values)
                    .write(to: file.appendingPathExtension("expected.f32"))
                networks[name] = (network, sample)
            }

            let python = ProcessInfo.processInfo.environment["FEDZ_PYTHON"] ?? Self.root.appendingPathComponent(".build/python-env/bin/python").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [Self.root.appendingPathComponent("examples/pytorch/safetensors_check.py").path, folder.path]
            let output = Pipe()
            (process.standardOutput, process.standardError) = (output, output)
            try process.run()
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "fedz → torch: \(printed.suffix(3_000))")

            for (name, (network, sample)) in networks {
                let definition = try #require(ModelDefinition.builtIn[name])
                let file = folder.appendingPathComponent(name)
                try network.setParameters(SafetensorsExport.read(from: file.appendingPathExtension("torch.safetensors"), of: definition))
                let fedz = network.predict(Tensor(shape: [1] + definition.input, values: sample)).values
                let torch = try Self.floats(in: file.appendingPathExtension("torch-output.f32"))
                let difference = zip(fedz, torch).map { abs($0 - $1) }.max() ?? .infinity
                #expect(fedz.count == torch.count && difference < 1e-4, "torch → fedz \(name): max |Δ| \(difference)")
            }
        }
    }
}
