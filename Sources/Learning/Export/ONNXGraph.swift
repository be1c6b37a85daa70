/// An ONNX model as data — the parts of ONNX's `onnx.proto` that fedz's exported networks use —
/// and its protocol-buffer encoding (field numbers from `onnx.proto`, IR version 8, opset 17).
enum ONNXGraph {
    /// A constant: a weight or a shape, stored as raw little-endian data.
    struct Initializer {
        enum DataType: Int { case float = 1, int64 = 7 }

        var name: String
        var dims: [Int]
        var dataType: DataType
        var raw: [UInt8]

        init(name: String, floats: [Float], dims: [Int]) {
            (self.name, self.dims, dataType) = (name, dims, .float)
            raw = floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        }

        init(name: String, int64s: [Int], dims: [Int]) {
            (self.name, self.dims, dataType) = (name, dims, .int64)
            raw = int64s.flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) }
        }

        func encode(_ writer: inout ProtobufWriter) {
            for dim in dims { writer.int(1, dim) }
            writer.int(2, dataType.rawValue)
            writer.string(8, name)
            writer.bytes(9, raw)
        }
    }

    /// A node attribute.
    enum Attribute {
        case int(String, Int)
        case ints(String, [Int])

        func encode(_ writer: inout ProtobufWriter) {
            switch self {
            case let .int(name, value):
                writer.string(1, name)
                writer.int(3, value)
                writer.int(20, 2)  // AttributeType INT
            case let .ints(name, values):
                writer.string(1, name)
                for value in values { writer.int(8, value) }
                writer.int(20, 7)  // AttributeType INTS
            }
        }
    }

    struct Node {
        var op: String
        var inputs: [String]
        var outputs: [String]
        var attributes: [Attribute] = []

        func encode(_ writer: inout ProtobufWriter) {
            for input in inputs { writer.string(1, input) }
            for output in outputs { writer.string(2, output) }
            writer.string(3, outputs[0])
            writer.string(4, op)
            for attribute in attributes { writer.message(5) { attribute.encode(&$0) } }
        }
    }

    /// A graph input or output: a float tensor whose first dimension is the batch.
    struct Value {
        var name: String
        /// The dimensions after the batch.
        var sampleShape: [Int]

        func encode(_ writer: inout ProtobufWriter) {
            writer.string(1, name)
            writer.message(2) { type in
                type.message(1) { tensor in
                    tensor.int(1, Initializer.DataType.float.rawValue)
                    tensor.message(2) { shape in
                        shape.message(1) { $0.string(2, "batch") }
                        for dim in sampleShape { shape.message(1) { $0.int(1, dim) } }
                    }
                }
            }
        }
    }

    struct Graph {
        var name: String
        var nodes: [Node] = []
        var initializers: [Initializer] = []
        var inputs: [Value] = []
        var outputs: [Value] = []
    }

    /// The encoded `ModelProto`.
    static func encode(_ graph: Graph, producerVersion: String) -> [UInt8] {
        var model = ProtobufWriter()
        model.int(1, 8)  // IR version 8
        model.string(2, "fedz")
        model.string(3, producerVersion)
        model.message(7) { writer in
            for node in graph.nodes { writer.message(1) { node.encode(&$0) } }
            writer.string(2, graph.name)
            for initializer in graph.initializers { writer.message(5) { initializer.encode(&$0) } }
            for input in graph.inputs { writer.message(11) { input.encode(&$0) } }
            for output in graph.outputs { writer.message(12) { output.encode(&$0) } }
        }
        model.message(8) { opset in
            opset.string(1, "")
            opset.int(2, 17)
        }
        return model.bytes
    }
}
