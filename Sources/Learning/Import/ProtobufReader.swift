/// Reads protocol-buffer messages field by field, as ONNX files hold them, treating every byte
/// as hostile: a length or varint that runs past the message is an error, never a crash, and
/// nothing is allocated before its size has been checked against the bytes present.
struct ProtobufReader {
    /// One field: its number and its value by wire type.
    enum Value {
        case varint(UInt64)
        case fixed32(UInt32)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int
    private let fail: (String) -> LearningError

    init(_ bytes: ArraySlice<UInt8>, fail: @escaping (String) -> LearningError) {
        (self.bytes, position, self.fail) = (bytes, bytes.startIndex, fail)
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(LearningError) -> (field: Int, value: Value)? {
        guard position < bytes.endIndex else { return nil }
        let key = try varint()
        let field = Int(truncatingIfNeeded: key >> 3)
        guard field > 0, field < 1 << 29 else { throw fail("field number \(key >> 3) out of range") }
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1: return (field, .fixed64(UInt64(littleEndian: try fixed(8))))
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.endIndex - position) else { throw fail("a field of \(length) bytes runs past the message") }
            let start = position
            position += Int(length)
            return (field, .bytes(bytes[start..<position]))
        case 5: return (field, .fixed32(UInt32(truncatingIfNeeded: try fixed(4))))
        default: throw fail("wire type \(key & 7) is not read")
        }
    }

    private mutating func varint() throws(LearningError) -> UInt64 {
        var (value, shift) = (UInt64(0), UInt64(0))
        while true {
            guard position < bytes.endIndex else { throw fail("a varint runs past the message") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw fail("a varint longer than ten bytes") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    private mutating func fixed(_ count: Int) throws(LearningError) -> UInt64 {
        guard bytes.endIndex - position >= count else { throw fail("a fixed-size field runs past the message") }
        defer { position += count }
        return (0..<count).reduce(0) { $0 | UInt64(bytes[position + $1]) << (8 * $1) }
    }
}

extension ProtobufReader.Value {
    /// The value as a signed integer (int32/int64 fields are varints in two's complement).
    var int: Int? {
        if case .varint(let value) = self { return Int(truncatingIfNeeded: value) }
        return nil
    }

    var float: Float? {
        if case .fixed32(let bits) = self { return Float(bitPattern: bits) }
        return nil
    }

    var string: String? {
        if case .bytes(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    /// A repeated integer field's values: one varint, or a packed run of them.
    func ints(fail: @escaping (String) -> LearningError) throws(LearningError) -> [Int] {
        switch self {
        case .varint(let value): return [Int(truncatingIfNeeded: value)]
        case .bytes(let packed):
            var reader = ProtobufReader(packed, fail: fail)
            var values: [Int] = []
            while !reader.isAtEnd { values.append(Int(truncatingIfNeeded: try reader.packedVarint())) }
            return values
        default: throw fail("a repeated integer of the wrong wire type")
        }
    }

    /// A repeated float field's values: one fixed32, or a packed run of them.
    func floats(fail: (String) -> LearningError) throws(LearningError) -> [Float] {
        switch self {
        case .fixed32(let bits): return [Float(bitPattern: bits)]
        case .bytes(let packed):
            guard packed.count % 4 == 0 else { throw fail("packed floats of \(packed.count) bytes") }
            return stride(from: packed.startIndex, to: packed.endIndex, by: 4).map { start in
                Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(packed[start + $1]) << (8 * $1) })
            }
        default: throw fail("a repeated float of the wrong wire type")
        }
    }
}

extension ProtobufReader {
    var isAtEnd: Bool { position >= bytes.endIndex }

    /// One varint of a packed run.
    mutating func packedVarint() throws(LearningError) -> UInt64 { try varint() }
}
