import Foundation

/// Writes `.npz` archives as `np.savez` does (a stored ZIP of `.npy` arrays), for tests that give
/// nodes NumPy data without running Python.
enum NPZWriter {
    /// An archive holding `x` (float32, `shape`) and `y` (int64, one per sample).
    static func archive(x: [Float], shape: [Int], y: [Int64]) -> [UInt8] {
        let xBytes = x.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let yBytes = y.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        return zip([("x.npy", npy(descriptor: "<f4", shape: shape, payload: xBytes)),
                    ("y.npy", npy(descriptor: "<i8", shape: [y.count], payload: yBytes))])
    }

    /// An NPY version 1.0 array: magic, header padded to 64 bytes with a newline, payload.
    static func npy(descriptor: String, shape: [Int], payload: [UInt8]) -> [UInt8] {
        let tuple = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
        var header = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(tuple), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = UInt16(header.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + payload
    }

    /// A ZIP archive of `files`, stored (no compression).
    static func zip(_ files: [(name: String, bytes: [UInt8])]) -> [UInt8] {
        var archive: [UInt8] = [], directory: [UInt8] = []
        func le(_ value: Int, _ bytes: Int) -> [UInt8] { (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        for file in files {
            let (offset, crc, name) = (archive.count, Int(crc32(file.bytes)), Array(file.name.utf8))
            let sizes = le(crc, 4) + le(file.bytes.count, 4) + le(file.bytes.count, 4)
            archive += le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + sizes + le(name.count, 2) + le(0, 2) + name + file.bytes
            directory += le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + sizes
                + le(name.count, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(offset, 4) + name
        }
        let end = le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(files.count, 2) + le(files.count, 2)
            + le(directory.count, 4) + le(archive.count, 4) + le(0, 2)
        return archive + directory + end
    }

    /// CRC-32 (IEEE), bit by bit.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
