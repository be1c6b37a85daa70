import Learning
import ModelOps
import Testing

struct ArtifactFormatTests {
    @Test func pinsTheDocumentedLayout() {
        let bytes = ArtifactFormat.encode([
            Tensor(shape: [2], values: [1, -2]), Tensor(shape: [], values: [0.5]),
        ])
        let expected: [UInt8] = Array("FEDZTNS1".utf8) + [
            2, 0, 0, 0,
            1, 0, 0, 0, 2, 0, 0, 0,
            0, 0, 0, 0,
            0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0,
            0x00, 0x00, 0x00, 0x3F,
        ]
        #expect(bytes == expected)
    }

    @Test func roundTripsSeededTensors() throws {
        var generator = SeededGenerator(seed: 9)
        let tensors = [[3, 4], [4], [2, 1, 3]].map { shape in
            Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &generator) })
        }
        #expect(try ArtifactFormat.decode(ArtifactFormat.encode(tensors), path: "t") == tensors)
        #expect(try ArtifactFormat.decode(ArtifactFormat.encode([]), path: "t").isEmpty)
    }

    static let magic: [UInt8] = Array("FEDZTNS1".utf8)
    static let malformed: [(String, [UInt8])] = [
        ("no magic", Array("FEDZTNS0".utf8) + [0, 0, 0, 0]),
        ("truncated header", magic + [1, 0, 0, 0, 2, 0]),
        ("missing values", magic + [1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 2, 3, 4]),
        ("extra bytes", ArtifactFormat.encode([Tensor(shape: [1], values: [1])]) + [0]),
        ("huge shape", magic + [1, 0, 0, 0, 4, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 16)),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedBytesWithTheReason(name: String, bytes: [UInt8]) {
        #expect {
            try ArtifactFormat.decode(bytes, path: "state/artifacts/x.fedzt")
        } throws: { error in
            guard case .malformedArtifact(let path, let reason) = (error as? RegistryError)?.kind else { return false }
            return path == "state/artifacts/x.fedzt" && !reason.isEmpty
        }
    }

    @Test func hashesAreSHA256Hex() {
        #expect(ArtifactFormat.sha256(Array("abc".utf8))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
