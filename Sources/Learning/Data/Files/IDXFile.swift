/// An IDX file (the format of MNIST and Fashion-MNIST): a big-endian header naming the element
/// type and the dimensions, then the values, big-endian.
struct IDXFile {
    /// The element types IDX defines, by their code in the header.
    enum ElementType: UInt8, CustomStringConvertible {
        case unsignedByte = 0x08, signedByte = 0x09, short = 0x0B, int = 0x0C, float = 0x0D, double = 0x0E

        var size: Int {
            switch self {
            case .unsignedByte, .signedByte: 1
            case .short: 2
            case .int, .float: 4
            case .double: 8
            }
        }

        var description: String {
            let name = switch self {
            case .unsignedByte: "unsigned byte"
            case .signedByte: "signed byte"
            case .short: "short"
            case .int: "int"
            case .float: "float"
            case .double: "double"
            }
            return "\(name) (0x\(String(rawValue, radix: 16)))"
        }
    }

    let type: ElementType
    let dimensions: [Int]
    /// The values' bytes, as stored.
    let payload: ArraySlice<UInt8>

    /// Parses `bytes`, checking the header and that exactly the values it announces follow.
    init(bytes: [UInt8], path: String) throws(LearningError) {
        func failure(_ reason: String) -> LearningError {
            LearningError(.malformedFile(path: path, reason: "IDX: \(reason)"))
        }
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else { throw failure("bad magic number") }
        guard let type = ElementType(rawValue: bytes[2]) else {
            throw failure("element type 0x\(String(bytes[2], radix: 16)) is not one IDX defines")
        }
        let rank = Int(bytes[3])
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else { throw failure("header cut short") }
        let dimensions = (0..<rank).map { axis in
            bytes[(4 + 4 * axis)..<(8 + 4 * axis)].reduce(0) { $0 << 8 | Int($1) }
        }
        guard let count = NumericArray.elementCount(dimensions, limit: NumericArray.maximumElements),
              bytes.count - headerSize == count * type.size
        else {
            throw failure("\(bytes.count) bytes do not hold \(dimensions) values of \(type) after the header")
        }
        (self.type, self.dimensions, self.payload) = (type, dimensions, bytes[headerSize...])
    }

    /// The values as floats, in file order.
    var array: NumericArray {
        let (type, count) = (type, dimensions.reduce(1, *))
        let values = payload.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    let offset = index * type.size
                    buffer[index] = switch type {
                    case .unsignedByte: Float(raw[offset])
                    case .signedByte: Float(Int8(bitPattern: raw[offset]))
                    case .short: Float(Int16(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
                    case .int: Float(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                    case .float: Float(bitPattern: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                    case .double: Float(Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
                    }
                }
                initialized = count
            }
        }
        let element: NumericArray.Element = switch type {
        case .unsignedByte: .byte
        case .float, .double: .float
        default: .integer
        }
        return NumericArray(shape: dimensions, values: values, element: element)
    }
}
