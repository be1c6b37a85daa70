import Foundation

/// Named F32 tensors and string metadata in the safetensors format, which PyTorch
/// (`safetensors.torch.load_file`), NumPy, JAX and Hugging Face's tools read:
///
///     8 bytes   N, the header's length, unsigned little-endian
///     N bytes   the header, UTF-8 JSON (`SafetensorsHeader`), padded with spaces to a multiple of 8
///     the rest  each tensor's values, float32 little-endian, row-major, where its data_offsets say
///
/// Only F32 is read or written: fedz holds nothing else. A file read is hostile input: its header
/// length is checked against the file's size before the header is read, and the header's every
/// tensor against the data section (`SafetensorsHeader.parse`) before the data is read.
public enum Safetensors {
    /// The most data read: four bytes for each parameter of the largest model a definition may
    /// describe (`ModelDefinition.Bounds.parameters`).
    public static let maximumDataSize = SafetensorsHeader.elementSize * ModelDefinition.Bounds.parameters

    /// What a file holds.
    public struct Contents: Sendable, Equatable {
        /// The tensors in the order of their data in the file.
        public var tensors: [NamedTensor]
        public var metadata: [String: String]

        public init(tensors: [NamedTensor], metadata: [String: String] = [:]) {
            (self.tensors, self.metadata) = (tensors, metadata)
        }
    }

    /// The file's bytes: `tensors` in this order; the names must be distinct and none
    /// `__metadata__`.
    public static func encode(_ contents: Contents) -> [UInt8] {
        let names = contents.tensors.map(\.name)
        precondition(Set(names).count == names.count && !names.contains(SafetensorsHeader.metadataKey),
                     "safetensors: tensor names must be distinct and not \(SafetensorsHeader.metadataKey)")
        let header = SafetensorsHeader(laying: contents.tensors, metadata: contents.metadata).encoded()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + SafetensorsHeader.elementSize * contents.tensors.reduce(0) { $0 + $1.tensor.count })
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
        bytes += header
        for named in contents.tensors {
            for value in named.tensor.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        }
        return bytes
    }

    /// The contents of file bytes; `path` names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws(LearningError) -> Contents {
        let fail = failure(path)
        let header = try header(size: bytes.count, fail: fail) { range in Array(bytes[range]) }
        let start = 8 + (header.bytes.count)
        return Contents(tensors: tensors(header.parsed, data: bytes[start...]), metadata: header.parsed.metadata)
    }

    /// Writes `contents` to `url` atomically.
    public static func write(_ contents: Contents, to url: URL) throws {
        try Data(encode(contents)).write(to: url, options: .atomic)
    }

    /// The contents of the file at `url`, read in three steps (header length, header, data),
    /// each only after the previous one was checked.
    public static func read(contentsOf url: URL) throws(LearningError) -> Contents {
        let path = url.path
        let fail = failure(path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw fail("is a directory, not a file")
        }
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw LearningError(.missingFile(path: path))
        }
        defer { try? handle.close() }
        func read(_ range: Range<Int>) throws(LearningError) -> [UInt8] {
            do {
                try handle.seek(toOffset: UInt64(range.lowerBound))
                let data = try handle.read(upToCount: range.count) ?? Data()
                guard data.count == range.count else { throw fail("the file ended while it was read (\(data.count) of \(range.count) bytes)") }
                return [UInt8](data)
            } catch let error as LearningError {
                throw error
            } catch {
                throw fail("cannot be read: \(error)")
            }
        }
        let size: Int
        do {
            size = Int(try handle.seekToEnd())
        } catch {
            throw fail("cannot be read: \(error)")
        }
        let header = try header(size: size, fail: fail, read: read)
        let start = 8 + header.bytes.count
        return Contents(tensors: tensors(header.parsed, data: try read(start..<size)[...]), metadata: header.parsed.metadata)
    }

    /// Reads and checks the header length and the header of a file of `size` bytes through
    /// `read`; returns the header's bytes and what they say.
    private static func header(
        size: Int, fail: (String) -> LearningError, read: (Range<Int>) throws(LearningError) -> [UInt8]
    ) throws(LearningError) -> (bytes: [UInt8], parsed: SafetensorsHeader) {
        guard size >= 8 else { throw fail("\(size) bytes are too few for a safetensors file (its header length alone takes 8)") }
        let length = try read(0..<8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }
        guard length <= UInt64(size - 8) else {
            throw fail("the header length \(length) runs past the end of the file (\(size) bytes)")
        }
        guard length <= UInt64(SafetensorsHeader.maximumLength) else {
            throw fail("the header length \(length) is over the limit of \(SafetensorsHeader.maximumLength) bytes")
        }
        let dataSize = size - 8 - Int(length)
        guard dataSize <= maximumDataSize else {
            throw fail("\(dataSize) bytes of data are more than any model's parameters (\(maximumDataSize) bytes)")
        }
        let bytes = try read(8..<(8 + Int(length)))
        return (bytes, try SafetensorsHeader.parse(bytes, dataSize: dataSize, fail: fail))
    }

    /// Each entry's values from the data section (the header checked that they lie inside it).
    private static func tensors(_ header: SafetensorsHeader, data: ArraySlice<UInt8>) -> [NamedTensor] {
        data.withUnsafeBytes { raw in
            header.entries.map { entry in
                let count = entry.range.count / SafetensorsHeader.elementSize
                let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for index in 0..<count {
                        let offset = entry.range.lowerBound + index * SafetensorsHeader.elementSize
                        buffer[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                    }
                    initialized = count
                }
                return NamedTensor(name: entry.name, tensor: Tensor(shape: entry.shape, values: values))
            }
        }
    }

    private static func failure(_ path: String) -> (String) -> LearningError {
        { LearningError(.malformedFile(path: path, reason: "safetensors: \($0)")) }
    }
}
