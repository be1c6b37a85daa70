import Crypto
import Foundation
import Learning

/// The artifact file format, `fedz tensors v1`, used in the registry and by `fedz models export`.
/// All integers and floats little-endian:
///
///     8 bytes   magic "FEDZTNS1"
///     u32       tensor count T
///     T times   u32 rank R, then R × u32 dimensions (outermost first)
///     T times   the tensor's values as float32, row-major
///
/// In Python: `struct.unpack_from("<I", b, 8)` for T, then the shapes, then
/// `numpy.frombuffer(b, "<f4", count, offset)` per tensor.
public enum ArtifactFormat {
    /// The file's first 8 bytes.
    public static let magic = Array("FEDZTNS1".utf8)

    /// The artifact bytes of `tensors`.
    public static func encode(_ tensors: [Tensor]) -> [UInt8] {
        var bytes = magic
        append(UInt32(tensors.count), to: &bytes)
        for tensor in tensors {
            append(UInt32(tensor.shape.count), to: &bytes)
            for dimension in tensor.shape { append(UInt32(dimension), to: &bytes) }
        }
        bytes.reserveCapacity(bytes.count + 4 * tensors.reduce(0) { $0 + $1.count })
        for tensor in tensors {
            for value in tensor.values { append(value.bitPattern, to: &bytes) }
        }
        return bytes
    }

    /// The tensors in artifact `bytes`; `path` only names the source in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws(RegistryError) -> [Tensor] {
        var reader = Reader(bytes: bytes, path: path)
        guard Array(bytes.prefix(magic.count)) == magic else { throw reader.failure("no FEDZTNS1 magic") }
        reader.offset = magic.count
        let count = Int(try reader.u32())
        var shapes: [[Int]] = []
        for _ in 0..<count {
            let rank = Int(try reader.u32())
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(Int(try reader.u32())) }
            shapes.append(shape)
        }
        var elements: [Int] = []
        for shape in shapes {
            let (product, overflow) = shape.reduce((1, false)) { partial, dimension in
                let (next, overflowed) = partial.0.multipliedReportingOverflow(by: dimension)
                return (next, partial.1 || overflowed)
            }
            guard !overflow else { throw reader.failure("shape \(shape) is too large") }
            elements.append(product)
        }
        let remaining = bytes.count - reader.offset
        let misfit = reader.failure("\(remaining) value bytes do not fit shapes \(shapes)")
        var total = 0
        for count in elements {
            guard count <= remaining / 4 - total else { throw misfit }
            total += count
        }
        guard 4 * total == remaining else { throw misfit }
        return zip(shapes, elements).map { shape, count in
            Tensor(shape: shape, values: reader.floats(count))
        }
    }

    /// SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private struct Reader {
        let bytes: [UInt8]
        let path: String
        var offset = 0

        mutating func u32() throws(RegistryError) -> UInt32 {
            guard offset + 4 <= bytes.count else { throw failure("truncated at byte \(offset)") }
            let value = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
            offset += 4
            return value
        }

        /// `count` float32 values from the current offset, which the caller has bounds-checked.
        mutating func floats(_ count: Int) -> [Float] {
            let start = offset
            offset += 4 * count
            return bytes.withUnsafeBytes { raw in
                (0..<count).map {
                    Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self)))
                }
            }
        }

        func failure(_ reason: String) -> RegistryError {
            RegistryError(.malformedArtifact(path: path, reason: reason))
        }
    }
}
