import CZlib

/// The entries of a ZIP archive, as NumPy's `.npz` files are: the central directory (ZIP64 too)
/// names each entry, its method (stored or deflate) and sizes; an entry's bytes are inflated
/// through zlib and checked against its CRC-32. Every offset and size is checked against the
/// archive before it is used; encrypted entries are refused.
struct ZipArchive {
    /// One file in the archive.
    struct Entry {
        var name: String
        var method: UInt16
        var compressedSize: Int
        var size: Int
        var crc: UInt32
        var localHeaderOffset: Int
        var encrypted: Bool
    }

    let bytes: [UInt8]
    let path: String
    let entries: [Entry]

    /// The largest entry inflated (as `NumericArray.maximumElements` 8-byte values).
    static let maximumEntrySize = NumericArray.maximumElements * 8 + 4096

    init(bytes: [UInt8], path: String) throws(LearningError) {
        (self.bytes, self.path) = (bytes, path)
        let reader = ByteReader(bytes: bytes, fail: { LearningError(.malformedFile(path: path, reason: "ZIP: \($0)")) })
        // The end-of-central-directory record: 22 bytes and a comment of up to 65,535.
        let lowest = max(0, bytes.count - 22 - 65_535)
        guard bytes.count >= 22,
              let end = stride(from: bytes.count - 22, through: lowest, by: -1).first(where: { reader.u32($0) == 0x0605_4B50 })
        else { throw reader.fail("no end of central directory: not a ZIP archive") }
        var count = Int(reader.u16(end + 10))
        var directory = Int(reader.u32(end + 16))
        if count == 0xFFFF || directory == 0xFFFF_FFFF {
            // ZIP64: the locator just before the record points at the ZIP64 end record.
            guard end >= 20, reader.u32(end - 20) == 0x0706_4B50 else { throw reader.fail("ZIP64 locator missing") }
            let record = try reader.offset(reader.u64(end - 12), need: 56)
            guard reader.u32(record) == 0x0606_4B50 else { throw reader.fail("ZIP64 end record missing") }
            count = try reader.offset(reader.u64(record + 32), need: 0)
            directory = try reader.offset(reader.u64(record + 48), need: 0)
        }
        guard count <= bytes.count / 46 else { throw reader.fail("\(count) entries cannot fit in \(bytes.count) bytes") }
        var entries: [Entry] = []
        var cursor = directory
        for _ in 0..<count {
            _ = try reader.offset(UInt64(cursor), need: 46)
            guard reader.u32(cursor) == 0x0201_4B50 else { throw reader.fail("central directory entry \(entries.count) is corrupt") }
            let nameLength = Int(reader.u16(cursor + 28)), extraLength = Int(reader.u16(cursor + 30))
            let commentLength = Int(reader.u16(cursor + 32))
            _ = try reader.offset(UInt64(cursor + 46), need: nameLength + extraLength + commentLength)
            var entry = Entry(
                name: String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self),
                method: reader.u16(cursor + 10), compressedSize: Int(reader.u32(cursor + 20)), size: Int(reader.u32(cursor + 24)),
                crc: reader.u32(cursor + 16), localHeaderOffset: Int(reader.u32(cursor + 42)),
                encrypted: reader.u16(cursor + 8) & 1 != 0)
            try Self.applyZIP64(&entry, extra: (cursor + 46 + nameLength)..<(cursor + 46 + nameLength + extraLength), reader: reader)
            entries.append(entry)
            cursor += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }

    /// Replaces the 32-bit fields saturated at 0xFFFFFFFF by the ZIP64 extra field's 64-bit ones.
    private static func applyZIP64(_ entry: inout Entry, extra: Range<Int>, reader: ByteReader) throws(LearningError) {
        var cursor = extra.lowerBound
        while cursor + 4 <= extra.upperBound {
            let (id, length) = (reader.u16(cursor), Int(reader.u16(cursor + 2)))
            guard cursor + 4 + length <= extra.upperBound else { throw reader.fail("extra field of '\(entry.name)' is cut short") }
            if id == 0x0001 {
                var field = cursor + 4
                func next() throws(LearningError) -> Int {
                    guard field + 8 <= cursor + 4 + length else { throw reader.fail("ZIP64 field of '\(entry.name)' is cut short") }
                    defer { field += 8 }
                    return try reader.offset(reader.u64(field), need: 0)
                }
                if entry.size == 0xFFFF_FFFF { entry.size = try next() }
                if entry.compressedSize == 0xFFFF_FFFF { entry.compressedSize = try next() }
                if entry.localHeaderOffset == 0xFFFF_FFFF { entry.localHeaderOffset = try next() }
            }
            cursor += 4 + length
        }
    }

    /// The bytes of the entry called `name`, or nil when there is none.
    func contents(of name: String) throws(LearningError) -> [UInt8]? {
        guard let entry = entries.first(where: { $0.name == name }) else { return nil }
        let reader = ByteReader(bytes: bytes, fail: { LearningError(.malformedFile(path: "\(path)/\(name)", reason: "ZIP: \($0)")) })
        guard !entry.encrypted else { throw reader.fail("the entry is encrypted") }
        guard entry.size <= Self.maximumEntrySize else { throw reader.fail("the entry of \(entry.size) bytes is too large") }
        let header = try reader.offset(UInt64(entry.localHeaderOffset), need: 30)
        guard reader.u32(header) == 0x0403_4B50 else { throw reader.fail("local header is corrupt") }
        let start = header + 30 + Int(reader.u16(header + 26)) + Int(reader.u16(header + 28))
        let data = try reader.offset(UInt64(start), need: entry.compressedSize)
        let stored = bytes[data..<(data + entry.compressedSize)]
        let contents: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else { throw reader.fail("stored entry with two sizes") }
            contents = Array(stored)
        case 8:
            contents = try Self.inflate(stored, size: entry.size, fail: reader.fail)
        default:
            throw reader.fail("compression method \(entry.method) is not read (stored and deflate are)")
        }
        let crc = contents.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        guard crc == entry.crc else { throw reader.fail("CRC-32 mismatch: the entry is corrupt") }
        return contents
    }

    /// Raw deflate data inflated to exactly `size` bytes.
    private static func inflate(_ input: ArraySlice<UInt8>, size: Int, fail: (String) -> LearningError) throws(LearningError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: size)
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw fail("inflateInit failed") }
        defer { inflateEnd(&stream) }
        let (status, produced) = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let status = CZlib.inflate(&stream, Z_FINISH)
                return (status, target.count - Int(stream.avail_out))
            }
        }
        guard status == Z_STREAM_END, produced == size else {
            throw fail("deflate data is corrupt or not \(size) bytes (zlib status \(status), \(produced) bytes)")
        }
        return output
    }
}

/// Little-endian reads at offsets already checked, and offsets checked against the bytes.
private struct ByteReader {
    let bytes: [UInt8]
    let fail: (String) -> LearningError

    func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) } }

    /// `value` as an offset at which `need` bytes lie inside the archive.
    func offset(_ value: UInt64, need: Int) throws(LearningError) -> Int {
        guard value <= UInt64(bytes.count), need <= bytes.count - Int(value) else {
            throw fail("offset \(value) (+\(need) bytes) lies outside the archive of \(bytes.count) bytes")
        }
        return Int(value)
    }
}
