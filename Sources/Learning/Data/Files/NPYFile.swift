/// An array in NumPy's `.npy` format (versions 1–3): the magic string, a header that is a Python
/// dict literal (`descr`, `fortran_order`, `shape`), then the values. Little-endian and byte
/// types of any integer or float width are read (bool, complex, strings and objects are not);
/// Fortran order is refused. Sizes are checked against the bytes present before allocating.
enum NPYFile {
    /// The array in `bytes`; `path` names the file (or `archive/entry`) in errors.
    static func parse(_ bytes: [UInt8], path: String) throws(LearningError) -> NumericArray {
        func fail(_ reason: String) -> LearningError { LearningError(.malformedFile(path: path, reason: "NPY: \(reason)")) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("not an .npy array (bad magic string)") }
        let (headerLength, headerStart): (Int, Int)
        switch bytes[6] {
        case 1: (headerLength, headerStart) = (Int(bytes[8]) | Int(bytes[9]) << 8, 10)
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("header cut short") }
            (headerLength, headerStart) = ((8..<12).reduce(0) { $0 | Int(bytes[$1]) << (8 * ($1 - 8)) }, 12)
        default: throw fail("format version \(bytes[6]) is not 1, 2 or 3")
        }
        guard headerLength <= bytes.count - headerStart else { throw fail("header of \(headerLength) bytes is cut short") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let descriptor = try field("descr", of: header, fail: fail)
        let fortranOrder = try field("fortran_order", of: header, fail: fail)
        let shapeText = try field("shape", of: header, fail: fail)
        guard fortranOrder == "False" else { throw fail("Fortran-ordered arrays are not read; save with C order") }
        let type = try ElementType(descriptor, fail: fail)
        let shape = try parseShape(shapeText, fail: fail)
        guard let count = NumericArray.elementCount(shape, limit: NumericArray.maximumElements) else {
            throw fail("shape \(shape) holds more than \(NumericArray.maximumElements) values")
        }
        let start = headerStart + headerLength
        guard bytes.count - start == count * type.size else {
            throw fail("\(bytes.count - start) bytes of data for shape \(shape) of \(descriptor), expected \(count * type.size)")
        }
        let values = bytes.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count { buffer[index] = type.value(raw, at: start + index * type.size) }
                initialized = count
            }
        }
        return NumericArray(shape: shape, values: values, element: type.element)
    }

    /// An element type of `descr`, e.g. `<f4`, `|u1`, `<i8`.
    private struct ElementType {
        var kind: Character
        var size: Int

        init(_ descriptor: String, fail: (String) -> LearningError) throws(LearningError) {
            let characters = Array(descriptor)
            guard characters.count >= 3, let size = Int(String(characters[2...])) else { throw fail("dtype '\(descriptor)' is not read") }
            let (order, kind) = (characters[0], characters[1])
            let supported: Set<Int> = kind == "f" ? [2, 4, 8] : [1, 2, 4, 8]
            guard "iuf".contains(kind), supported.contains(size) else {
                throw fail("dtype '\(descriptor)' is not read: integers and floats only")
            }
            guard order == "<" || order == "|" || (order == "=" && size == 1) else {
                throw fail("dtype '\(descriptor)' is big-endian; save little-endian arrays")
            }
            (self.kind, self.size) = (kind, size)
        }

        var element: NumericArray.Element {
            kind == "f" ? .float : (kind == "u" && size == 1 ? .byte : .integer)
        }

        /// The value at byte `offset`, little-endian.
        func value(_ raw: UnsafeRawBufferPointer, at offset: Int) -> Float {
            switch (kind, size) {
            case ("u", 1): Float(raw[offset])
            case ("i", 1): Float(Int8(bitPattern: raw[offset]))
            case ("u", 2): Float(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            case ("i", 2): Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
            case ("u", 4): Float(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            case ("i", 4): Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
            case ("u", 8): Float(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            case ("i", 8): Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
            case ("f", 2): Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
            case ("f", 4): Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            default: Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
            }
        }
    }

    /// The text after `'key':` in the header dict, up to the next top-level comma.
    private static func field(_ key: String, of header: String, fail: (String) -> LearningError) throws(LearningError) -> String {
        guard let keyRange = header.range(of: "'\(key)':") else { throw fail("header has no '\(key)'") }
        var depth = 0
        var value = ""
        for character in header[keyRange.upperBound...] {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth == 0, character == "," || character == "}" { break }
            value.append(character)
        }
        return value.trimming(" '\"")
    }

    /// `(3, 4)`, `(5,)` or `()`.
    private static func parseShape(_ text: String, fail: (String) -> LearningError) throws(LearningError) -> [Int] {
        guard text.hasPrefix("("), text.hasSuffix(")") else { throw fail("shape '\(text)' is not a tuple") }
        var shape: [Int] = []
        for part in text.dropFirst().dropLast().split(separator: ",") {
            let trimmed = part.trimming(" ")
            guard let dimension = Int(trimmed), dimension >= 0 else { throw fail("shape '\(text)' is not a tuple of sizes") }
            shape.append(dimension)
        }
        return shape
    }
}

private extension StringProtocol {
    /// The string without leading and trailing characters from `characters`.
    func trimming(_ characters: String) -> String {
        let set = Set(characters)
        return String(drop(while: set.contains).reversed().drop(while: set.contains).reversed())
    }
}
