/// A JSON value as the authenticated fuzzer writes it: any shape and any type in any field,
/// numbers a Swift type cannot hold included (`raw`), written straight to bytes. Objects keep
/// their keys in the order given.
indirect enum AdversarialJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case unsigned(UInt64)
    case double(Double)
    case string(String)
    /// A token written as it is, e.g. `18446744073709551616` or `1.5`.
    case raw(String)
    case array([AdversarialJSON])
    case object([(String, AdversarialJSON)])

    static func == (lhs: AdversarialJSON, rhs: AdversarialJSON) -> Bool {
        lhs.bytes == rhs.bytes
    }

    /// The UTF-8 text of this value.
    var bytes: [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    func write(to output: inout [UInt8]) {
        switch self {
        case .null: output += Array("null".utf8)
        case .bool(let value): output += Array((value ? "true" : "false").utf8)
        case .int(let value): output += Array(String(value).utf8)
        case .unsigned(let value): output += Array(String(value).utf8)
        case .double(let value):
            precondition(value.isFinite, "JSON carries finite numbers only")
            output += Array("\(value)".utf8)
        case .string(let value): Self.writeString(value, to: &output)
        case .raw(let token): output += Array(token.utf8)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    private static func writeString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                output += Array("\\u00".utf8) + [digits[Int(byte >> 4)], digits[Int(byte & 15)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
