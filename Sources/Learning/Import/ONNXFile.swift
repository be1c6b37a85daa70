import Foundation

/// The parts of an ONNX model (`onnx.proto`) an import reads: the graph's nodes in order, its
/// float initializers (and `Constant` nodes' values), and its input's shape. Field numbers are
/// `onnx.proto`'s; unknown fields are skipped. Every size is checked before allocating: a tensor's
/// element count against `NumericArray.maximumElements` and against the bytes it came with.
struct ONNXFile {
    struct Node {
        var op: String
        var name: String
        var inputs: [String]
        var outputs: [String]
        var ints: [String: [Int]] = [:]
        var floats: [String: Float] = [:]
        var tensors: [String: Tensor] = [:]
        var strings: [String: String] = [:]
    }

    var nodes: [Node] = []
    /// Initializers by name (float tensors; int64 ones as floats, for shapes).
    var initializers: [String: Tensor] = [:]
    /// The graph inputs that are not initializers: name and dimensions (nil: symbolic).
    var inputs: [(name: String, dims: [Int?])] = []
    var outputs: [String] = []
    var name = ""

    /// Parses `bytes`, the file at `path`; tensors kept in external data files (as PyTorch's
    /// exporter writes them) are read from files beside it, named without any directory.
    init(bytes: [UInt8], path: String) throws(LearningError) {
        let fail = { (reason: String) in LearningError(.malformedFile(path: path, reason: "ONNX: \(reason)")) }
        var external = ExternalData(folder: URL(fileURLWithPath: path).deletingLastPathComponent(), fail: fail)
        var model = ProtobufReader(bytes[...], fail: fail)
        var graphBytes: ArraySlice<UInt8>?
        while let (field, value) = try model.next() {
            if field == 7, case .bytes(let graph) = value { graphBytes = graph }
        }
        guard let graphBytes else { throw fail("no graph (is this an ONNX model?)") }
        var graph = ProtobufReader(graphBytes, fail: fail)
        var declared: [(name: String, dims: [Int?])] = []
        while let (field, value) = try graph.next() {
            guard case .bytes(let content) = value else { continue }
            switch field {
            case 1: nodes.append(try Self.node(content, external: &external, fail: fail))
            case 2: name = String(decoding: content, as: UTF8.self)
            case 5:
                let (name, tensor) = try Self.tensor(content, external: &external, fail: fail)
                initializers[name] = tensor
            case 11: declared.append(try Self.valueInfo(content, fail: fail))
            case 12: outputs.append(try Self.valueInfo(content, fail: fail).name)
            default: break
            }
        }
        // Older exporters list the initializers among the inputs too.
        inputs = declared.filter { initializers[$0.name] == nil }
        for node in nodes where node.op == "Constant" {
            guard let value = node.tensors["value"] ?? node.ints["value_ints"].map({ Tensor(shape: [$0.count], values: $0.map(Float.init)) }),
                  let output = node.outputs.first else { throw fail("Constant node \(node.name) without a tensor value") }
            initializers[output] = value
        }
        nodes.removeAll { $0.op == "Constant" }
    }

    private static func node(
        _ bytes: ArraySlice<UInt8>, external: inout ExternalData, fail: @escaping (String) -> LearningError
    ) throws(LearningError) -> Node {
        var reader = ProtobufReader(bytes, fail: fail)
        var node = Node(op: "", name: "", inputs: [], outputs: [])
        while let (field, value) = try reader.next() {
            switch field {
            case 1: node.inputs.append(value.string ?? "")
            case 2: node.outputs.append(value.string ?? "")
            case 3: node.name = value.string ?? ""
            case 4: node.op = value.string ?? ""
            case 7:
                let domain = value.string ?? ""
                guard domain.isEmpty || domain == "ai.onnx" else { throw fail("operator domain '\(domain)' is not ONNX's") }
            case 5:
                guard case .bytes(let content) = value else { throw fail("an attribute of the wrong wire type") }
                try attribute(content, into: &node, external: &external, fail: fail)
            default: break
            }
        }
        guard !node.op.isEmpty, !node.outputs.isEmpty else { throw fail("a node without an operator or an output") }
        if node.name.isEmpty { node.name = node.outputs[0] }
        return node
    }

    private static func attribute(
        _ bytes: ArraySlice<UInt8>, into node: inout Node, external: inout ExternalData, fail: @escaping (String) -> LearningError
    ) throws(LearningError) {
        var reader = ProtobufReader(bytes, fail: fail)
        var name = ""
        var (ints, floats, tensor, string): ([Int], Float?, Tensor?, String?) = ([], nil, nil, nil)
        while let (field, value) = try reader.next() {
            switch field {
            case 1: name = value.string ?? ""
            case 2: floats = value.float
            case 3: ints.append(value.int ?? 0)
            case 4: string = value.string
            case 5:
                guard case .bytes(let content) = value else { throw fail("a tensor attribute of the wrong wire type") }
                tensor = try Self.tensor(content, external: &external, fail: fail).tensor
            case 8: ints += try value.ints(fail: fail)
            default: break
            }
        }
        if !ints.isEmpty { node.ints[name] = ints }
        if let floats { node.floats[name] = floats }
        if let tensor { node.tensors[name] = tensor }
        if let string { node.strings[name] = string }
    }

    /// A tensor's name and values: float32 (raw or `float_data`), or int64 (raw or `int64_data`)
    /// converted to floats for shapes.
    private static func tensor(
        _ bytes: ArraySlice<UInt8>, external: inout ExternalData, fail: @escaping (String) -> LearningError
    ) throws(LearningError) -> (name: String, tensor: Tensor) {
        var reader = ProtobufReader(bytes, fail: fail)
        var (dims, dataType, name) = ([Int](), 0, "")
        var (raw, floats, int64s): (ArraySlice<UInt8>?, [Float], [Int]) = (nil, [], [])
        var (location, isExternal): ([String: String], Bool) = ([:], false)
        while let (field, value) = try reader.next() {
            switch field {
            case 1: dims += try value.ints(fail: fail)
            case 2: dataType = value.int ?? 0
            case 4: floats += try value.floats(fail: fail)
            case 7: int64s += try value.ints(fail: fail)
            case 8: name = value.string ?? ""
            case 9: if case .bytes(let content) = value { raw = content }
            case 13:
                // StringStringEntryProto: key (1), value (2).
                guard case .bytes(let entry) = value else { throw fail("external data entry of the wrong wire type") }
                var pair = ProtobufReader(entry, fail: fail)
                var (key, text) = ("", "")
                while let (field, value) = try pair.next() {
                    if field == 1 { key = value.string ?? "" } else if field == 2 { text = value.string ?? "" }
                }
                location[key] = text
            case 14: isExternal = value.int == 1
            default: break
            }
        }
        if isExternal { raw = try external.bytes(location, tensor: name) }
        guard let count = NumericArray.elementCount(dims, limit: NumericArray.maximumElements) else {
            throw fail("tensor \(name) of shape \(dims) is too large")
        }
        let values: [Float]
        switch (dataType, raw) {
        case (1, let raw?):
            guard raw.count == count * 4 else { throw fail("tensor \(name): \(raw.count) bytes for \(count) floats") }
            values = stride(from: raw.startIndex, to: raw.endIndex, by: 4).map { start in
                Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(raw[start + $1]) << (8 * $1) })
            }
        case (1, nil): values = floats
        case (7, let raw?):
            guard raw.count == count * 8 else { throw fail("tensor \(name): \(raw.count) bytes for \(count) int64s") }
            values = stride(from: raw.startIndex, to: raw.endIndex, by: 8).map { start in
                Float(Int64(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(raw[start + $1]) << (8 * $1) }))
            }
        case (7, nil): values = int64s.map(Float.init)
        default: throw fail("tensor \(name) of data type \(dataType): only float32 and int64 are read")
        }
        guard values.count == count else { throw fail("tensor \(name): \(values.count) values for shape \(dims)") }
        return (name, Tensor(shape: dims, values: values))
    }

    private static func valueInfo(
        _ bytes: ArraySlice<UInt8>, fail: @escaping (String) -> LearningError
    ) throws(LearningError) -> (name: String, dims: [Int?]) {
        var reader = ProtobufReader(bytes, fail: fail)
        var (name, dims) = ("", [Int?]())
        while let (field, value) = try reader.next() {
            if field == 1 { name = value.string ?? "" }
            guard field == 2, case .bytes(let type) = value else { continue }
            // TypeProto.tensor_type (1) → shape (2) → dim (1) → dim_value (1) | dim_param (2).
            for tensorType in try Self.fields(1, of: type, fail: fail) {
                for shape in try Self.fields(2, of: tensorType, fail: fail) {
                    for dim in try Self.fields(1, of: shape, fail: fail) {
                        var dimension = ProtobufReader(dim, fail: fail)
                        var size: Int?
                        while let (field, value) = try dimension.next() { if field == 1 { size = value.int } }
                        dims.append(size)
                    }
                }
            }
        }
        return (name, dims)
    }

    /// The length-delimited values of field `number` in `bytes`.
    private static func fields(
        _ number: Int, of bytes: ArraySlice<UInt8>, fail: @escaping (String) -> LearningError
    ) throws(LearningError) -> [ArraySlice<UInt8>] {
        var reader = ProtobufReader(bytes, fail: fail)
        var found: [ArraySlice<UInt8>] = []
        while let (field, value) = try reader.next() {
            if field == number, case .bytes(let content) = value { found.append(content) }
        }
        return found
    }
}

/// The external data files of an ONNX model: each read once, only from the model's own folder
/// (a location naming another folder is refused), each slice checked against the file's size.
private struct ExternalData {
    let folder: URL
    let fail: (String) -> LearningError
    private var files: [String: [UInt8]] = [:]

    init(folder: URL, fail: @escaping (String) -> LearningError) {
        (self.folder, self.fail) = (folder, fail)
    }

    /// The bytes `entries` (location, offset, length) name.
    mutating func bytes(_ entries: [String: String], tensor: String) throws(LearningError) -> ArraySlice<UInt8> {
        guard let location = entries["location"], !location.isEmpty, !location.contains("/"), location != ".", location != ".." else {
            throw fail("tensor \(tensor): external data location '\(entries["location"] ?? "")' is not a file beside the model")
        }
        if files[location] == nil {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(location).path) else {
                throw fail("tensor \(tensor): external data file \(location) cannot be read")
            }
            files[location] = [UInt8](data)
        }
        let file = files[location]!
        let offset = entries["offset"].flatMap { Int($0) } ?? 0
        let length = entries["length"].flatMap { Int($0) } ?? (file.count - offset)
        guard offset >= 0, length >= 0, offset <= file.count, length <= file.count - offset else {
            throw fail("tensor \(tensor): bytes \(offset) + \(length) lie outside \(location) (\(file.count) bytes)")
        }
        return file[offset..<(offset + length)]
    }
}
