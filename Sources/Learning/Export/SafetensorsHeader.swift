import Foundation

/// The JSON header of a safetensors file: for each tensor its dtype, shape and the byte range of
/// its values in the data section, and the free-form `__metadata__` strings.
///
///     {"__metadata__": {"format": "pt"}, "dense0.weight": {"dtype": "F32", "shape": [200, 784],
///      "data_offsets": [0, 627200]}, …}
///
/// Offsets count from the first byte after the header. A header read from a file is hostile: it
/// is accepted only if every tensor is F32 (the only dtype fedz holds), its shape's product
/// (overflow checked) times 4 is its byte count, and the tensors, in offset order, tile the data
/// section exactly — no byte outside it, none shared by two tensors, none left over — which is
/// the rule of the reference implementation (Hugging Face's `safetensors` crate).
struct SafetensorsHeader: Equatable {
    /// One tensor's place in the data section.
    struct Entry: Equatable {
        var name: String
        var shape: [Int]
        /// Bytes of the data section, counted from its start.
        var range: Range<Int>
    }

    /// The tensors in the order of their data.
    var entries: [Entry]
    var metadata: [String: String]

    /// The header's length is padded to a multiple of this, so that the data starts aligned.
    static let alignment = 8
    /// The longest header read: 16 MiB. A fedz network's header takes a few kilobytes (64 layers
    /// at most, four tensors a layer); the reference implementation allows 100 MB.
    static let maximumLength = 1 << 24
    /// Bytes of one F32 value.
    static let elementSize = 4
    /// The key of the metadata, which no tensor may take.
    static let metadataKey = "__metadata__"

    /// The header of `tensors` laid out one after another in this order.
    init(laying tensors: [NamedTensor], metadata: [String: String]) {
        var offset = 0
        entries = tensors.map { named in
            defer { offset += Self.elementSize * named.tensor.count }
            return Entry(name: named.name, shape: named.tensor.shape, range: offset..<(offset + Self.elementSize * named.tensor.count))
        }
        self.metadata = metadata
    }

    private init(entries: [Entry], metadata: [String: String]) {
        (self.entries, self.metadata) = (entries, metadata)
    }

    /// The bytes of the data section the entries cover.
    var dataSize: Int { entries.last?.range.upperBound ?? 0 }

    /// The header as the file holds it: JSON with `__metadata__` first (its keys sorted, left out
    /// when empty), then the tensors in data order, padded with spaces to a multiple of 8 bytes.
    func encoded() -> [UInt8] {
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(Self.quoted($0.key)):\(Self.quoted($0.value))" }
            members.append("\(Self.quoted(Self.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        for entry in entries {
            let shape = entry.shape.map(String.init).joined(separator: ",")
            members.append(
                "\(Self.quoted(entry.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(entry.range.lowerBound),\(entry.range.upperBound)]}")
        }
        var bytes = Array("{\(members.joined(separator: ","))}".utf8)
        bytes += repeatElement(UInt8(ascii: " "), count: (Self.alignment - bytes.count % Self.alignment) % Self.alignment)
        return bytes
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// The header in `bytes`, checked against a data section of `dataSize` bytes; `fail` makes
    /// the error for a reason.
    static func parse(
        _ bytes: some Collection<UInt8>, dataSize: Int, fail: (String) -> LearningError
    ) throws(LearningError) -> SafetensorsHeader {
        guard bytes.first == UInt8(ascii: "{") else { throw fail("the header is not a JSON object (it must start with '{')") }
        let raw: RawHeader
        do {
            raw = try JSONDecoder().decode(RawHeader.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw fail("the header is not a safetensors header: \(Self.describe(error))")
        } catch {
            throw fail("the header is not a safetensors header: \(error)")
        }
        var entries: [Entry] = []
        for (name, tensor) in raw.tensors {
            entries.append(try entry(name, tensor, dataSize: dataSize, fail: fail))
        }
        entries.sort { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        try checkTiling(entries, dataSize: dataSize, fail: fail)
        return SafetensorsHeader(entries: entries, metadata: raw.metadata)
    }

    /// One tensor's fields, checked on their own: dtype, shape, offsets inside the data.
    private static func entry(
        _ name: String, _ raw: RawEntry, dataSize: Int, fail: (String) -> LearningError
    ) throws(LearningError) -> Entry {
        guard raw.dtype == "F32" else {
            throw fail("tensor '\(name)' has dtype \(raw.dtype): fedz reads F32 only (save float32 tensors, e.g. tensor.float())")
        }
        var shape: [Int] = []
        var count = 1
        for dimension in raw.shape {
            guard let size = Int(exactly: dimension) else { throw fail("tensor '\(name)': dimension \(dimension) is too large") }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail("tensor '\(name)': the product of shape \(raw.shape) overflows") }
            (shape, count) = (shape + [size], product)
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw fail("tensor '\(name)': shape \(raw.shape) holds too many bytes") }
        guard raw.dataOffsets.count == 2 else {
            throw fail("tensor '\(name)': data_offsets must be [begin, end], not \(raw.dataOffsets)")
        }
        let (begin, end) = (raw.dataOffsets[0], raw.dataOffsets[1])
        guard begin <= end, end <= UInt64(dataSize) else {
            throw fail("tensor '\(name)': data_offsets [\(begin), \(end)] lie outside the data section of \(dataSize) bytes")
        }
        guard end - begin == UInt64(bytes) else {
            throw fail("tensor '\(name)': shape \(shape) of F32 needs \(bytes) bytes, data_offsets [\(begin), \(end)] hold \(end - begin)")
        }
        return Entry(name: name, shape: shape, range: Int(begin)..<Int(end))
    }

    /// Checks that `entries`, sorted by offset, cover the data section exactly once.
    private static func checkTiling(_ entries: [Entry], dataSize: Int, fail: (String) -> LearningError) throws(LearningError) {
        var covered = 0
        var previous: Entry?
        for entry in entries {
            if entry.range.lowerBound < covered, let previous {
                throw fail("tensor '\(entry.name)' (bytes \(entry.range)) overlaps tensor '\(previous.name)' (bytes \(previous.range))")
            }
            guard entry.range.lowerBound == covered else {
                throw fail("bytes \(covered)..<\(entry.range.lowerBound) of the data section belong to no tensor")
            }
            (covered, previous) = (entry.range.upperBound, entry)
        }
        guard covered == dataSize else { throw fail("bytes \(covered)..<\(dataSize) of the data section belong to no tensor") }
    }

    /// A decoding error in one line: where in the header, and what.
    private static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return (path.isEmpty ? "" : "at \(path): ") + context.debugDescription
        }
        switch error {
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return at(context)
        case let .keyNotFound(key, context):
            return at(context) + (context.debugDescription.contains(key.stringValue) ? "" : " (\(key.stringValue))")
        @unknown default:
            return "\(error)"
        }
    }
}

/// The header as JSON states it, before any check beyond types.
private struct RawHeader: Decodable {
    var tensors: [(String, RawEntry)] = []
    var metadata: [String: String] = [:]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: JSONKey.self)
        for key in container.allKeys {
            if key.stringValue == SafetensorsHeader.metadataKey {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                tensors.append((key.stringValue, try container.decode(RawEntry.self, forKey: key)))
            }
        }
    }
}

/// One tensor as JSON states it; a field the format does not define is refused.
private struct RawEntry: Decodable {
    var dtype: String
    var shape: [UInt64]
    var dataOffsets: [UInt64]

    static let fields: Set = ["dtype", "shape", "data_offsets"]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: JSONKey.self)
        if let unknown = container.allKeys.first(where: { !Self.fields.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(
                forKey: unknown, in: container, debugDescription: "unknown field '\(unknown.stringValue)'")
        }
        dtype = try container.decode(String.self, forKey: JSONKey("dtype"))
        shape = try container.decode([UInt64].self, forKey: JSONKey("shape"))
        dataOffsets = try container.decode([UInt64].self, forKey: JSONKey("data_offsets"))
    }
}

/// Any key of a JSON object.
private struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
