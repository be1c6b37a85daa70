import Foundation
import Learning
import TOMLKit

/// A model definition file (TOML): `name`, `input` and `head` at the top (and, for a next-token
/// model, `tokens` = "bytes", "characters" with its `alphabet`, or "words"), then one `[[layer]]`
/// table per layer, in order, with its `type` and that type's fields (see `models/` and the
/// README). Every problem — syntax, an unknown type or key, a value of the wrong kind, a size
/// out of bounds, shapes that do not fit — is reported with the file and the line.
public enum ModelDefinitionFile {
    /// The fields each layer type takes besides `type`.
    static let fields: [String: [String]] = [
        "dense": ["outputs", "init"], "conv2d": ["filters", "kernel", "stride", "padding", "init"],
        "maxpool2d": ["size", "stride"], "avgpool2d": ["size", "stride"], "flatten": [], "dropout": ["rate"],
        "embedding": ["vocabulary", "dimensions"], "rnn": ["hidden"], "lstm": ["hidden"], "relu": [], "tanh": [],
        "sigmoid": [],
    ]
    static let topLevel = ["name", "input", "head", "tokens", "alphabet", "layer"]

    /// Reads, parses and checks the file at `path` (shapes included, by building it once).
    public static func load(path: String) throws(ConfigProblem) -> ModelDefinition {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigProblem(file: path, message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    /// Parses and checks `text`, read from `path`.
    public static func parse(_ text: String, path: String) throws(ConfigProblem) -> ModelDefinition {
        let table = try ConfigFile.table(text, path: path)
        let lines = DefinitionLines(text)
        let reader = Reader(path: path, lines: lines)
        for key in table.keys where !topLevel.contains(key) {
            throw reader.problem(key, layer: nil, "unknown key; a model file has \(topLevel.joined(separator: ", "))")
        }
        let name = try reader.string(table["name"], "name", layer: nil)
        let input = try reader.sizes(table["input"], "input", layer: nil)
        let headName = try reader.string(table["head"], "head", layer: nil)
        guard let head = ModelDefinition.Head(rawValue: headName) else {
            throw reader.problem("head", layer: nil, "unknown head '\(headName)'; known: \(ModelDefinition.Head.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var tokens: TokenDefinition?
        if table["tokens"] != nil || table["alphabet"] != nil {
            switch try reader.string(table["tokens"], "tokens", layer: nil) {
            case "bytes": tokens = .bytes
            case "words": tokens = .words
            case "characters": tokens = .characters(alphabet: try reader.string(table["alphabet"], "alphabet", layer: nil))
            case let other:
                throw reader.problem("tokens", layer: nil, "unknown tokens '\(other)'; known: \(TokenDefinition.kindNames.joined(separator: ", "))")
            }
            if tokens?.kindName != "characters", table["alphabet"] != nil {
                throw reader.problem("alphabet", layer: nil, "an alphabet is for tokens = \"characters\"")
            }
        }
        guard let layerTables = table["layer"]?.array else {
            throw ConfigProblem(file: path, line: 1, message: "no [[layer]] tables: a model has at least one layer")
        }
        var layers: [LayerDefinition] = []
        for (index, value) in layerTables.enumerated() {
            guard let layer = value.table else { throw reader.problem("layer", layer: index, "expected a [[layer]] table") }
            layers.append(try reader.layer(layer, index: index))
        }
        let definition = ModelDefinition(name: name, input: input, head: head, layers: layers, tokens: tokens)
        do {
            _ = try definition.describe()
        } catch {
            guard case let .modelDefinition(layer, part, reason) = error.kind else {
                throw ConfigProblem(file: path, message: error.description)
            }
            // A bound names its field first ("stride must be …"): point at that key's line.
            let field = String(reason.prefix { $0 != " " })
            let line = layer.map { lines.key(field, inLayer: $0) } ?? part.flatMap { lines.topLevel[$0] } ?? lines.layer(0)
            throw ConfigProblem(file: path, line: line, message: error.description)
        }
        return definition
    }
}

/// Reads typed values out of TOMLKit's tables, each problem with its line.
private struct Reader {
    let path: String
    let lines: DefinitionLines

    func problem(_ key: String, layer: Int?, _ message: String) -> ConfigProblem {
        let line = layer.map { lines.key(key, inLayer: $0) } ?? lines.topLevel[key] ?? 0
        let place = layer.map { "layer \($0 + 1): " } ?? ""
        return ConfigProblem(file: path, line: line > 0 ? line : nil, message: "\(place)\(key): \(message)")
    }

    func string(_ value: (any TOMLValueConvertible)?, _ key: String, layer: Int?) throws(ConfigProblem) -> String {
        guard let value else { throw problem(key, layer: layer, "missing") }
        guard let string = value.string else { throw problem(key, layer: layer, "expected a string") }
        return string
    }

    func integer(_ value: (any TOMLValueConvertible)?, _ key: String, layer: Int?) throws(ConfigProblem) -> Int {
        guard let value else { throw problem(key, layer: layer, "missing") }
        guard value.type == .int, let integer = value.int else { throw problem(key, layer: layer, "expected an integer") }
        return integer
    }

    /// An array of integers, or (`square`) one integer standing for [n, n].
    func sizes(_ value: (any TOMLValueConvertible)?, _ key: String, layer: Int?, square: Bool = false) throws(ConfigProblem) -> [Int] {
        guard let value else { throw problem(key, layer: layer, "missing") }
        if square, value.type == .int, let integer = value.int { return [integer, integer] }
        guard let array = value.array else {
            throw problem(key, layer: layer, square ? "expected an integer or an array of two" : "expected an array of integers")
        }
        var sizes: [Int] = []
        for item in array {
            guard item.type == .int, let integer = item.int else { throw problem(key, layer: layer, "expected integers") }
            sizes.append(integer)
        }
        return sizes
    }

    func layer(_ table: TOMLTable, index: Int) throws(ConfigProblem) -> LayerDefinition {
        let type = try string(table["type"], "type", layer: index)
        guard let fields = ModelDefinitionFile.fields[type] else {
            throw problem("type", layer: index, "unknown type '\(type)'; known: \(LayerDefinition.typeNames.joined(separator: ", "))")
        }
        for key in table.keys where key != "type" && !fields.contains(key) {
            throw problem(key, layer: index, "a \(type) layer takes \(fields.isEmpty ? "no other key" : fields.joined(separator: ", "))")
        }
        func int(_ key: String) throws(ConfigProblem) -> Int { try integer(table[key], key, layer: index) }
        func optionalInt(_ key: String) throws(ConfigProblem) -> Int? { table[key] == nil ? nil : try int(key) }
        func initialization() throws(ConfigProblem) -> WeightInitialization? {
            guard table["init"] != nil else { return nil }
            let name = try string(table["init"], "init", layer: index)
            guard let value = WeightInitialization(rawValue: name) else {
                throw problem("init", layer: index, "unknown initialization '\(name)'; known: \(WeightInitialization.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }
        switch type {
        case "dense":
            return .dense(outputs: try int("outputs"), initialization: try initialization())
        case "conv2d":
            return .conv2d(
                filters: try int("filters"), kernel: try sizes(table["kernel"], "kernel", layer: index, square: true),
                stride: try optionalInt("stride") ?? 1, padding: try padding(table["padding"], layer: index),
                initialization: try initialization())
        case "maxpool2d":
            return .maxPool2d(size: try sizes(table["size"], "size", layer: index, square: true), stride: try optionalInt("stride"))
        case "avgpool2d":
            return .avgPool2d(size: try sizes(table["size"], "size", layer: index, square: true), stride: try optionalInt("stride"))
        case "dropout":
            guard let value = table["rate"] else { throw problem("rate", layer: index, "missing") }
            guard let rate = value.double ?? value.int.map(Double.init) else { throw problem("rate", layer: index, "expected a number") }
            return .dropout(rate: Float(rate))
        case "embedding":
            return .embedding(vocabulary: try int("vocabulary"), dimensions: try int("dimensions"))
        case "rnn":
            return .rnn(hidden: try int("hidden"))
        case "lstm":
            return .lstm(hidden: try int("hidden"))
        case "flatten": return .flatten
        case "relu": return .relu
        case "tanh": return .tanh
        default: return .sigmoid
        }
    }

    /// "valid", "same", or [rows, columns] of zeros.
    func padding(_ value: (any TOMLValueConvertible)?, layer: Int) throws(ConfigProblem) -> PaddingDefinition {
        guard let value else { return .valid }
        if let name = value.string {
            switch name {
            case "valid": return .valid
            case "same": return .same
            default: throw problem("padding", layer: layer, "expected \"valid\", \"same\" or [rows, columns], not '\(name)'")
            }
        }
        let sizes = try sizes(value, "padding", layer: layer, square: true)
        guard sizes.count == 2 else { throw problem("padding", layer: layer, "expected [rows, columns]") }
        return .explicit(rows: sizes[0], columns: sizes[1])
    }
}

/// Where things are in a model file (TOMLKit gives positions only for syntax errors): the
/// top-level keys, each `[[layer]]` header and the keys under it.
struct DefinitionLines {
    private(set) var topLevel: [String: Int] = [:]
    private var layers: [(header: Int, keys: [String: Int])] = []

    init(_ text: String) {
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[[layer]]") {
                layers.append((index + 1, [:]))
            } else if !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") {
                let key = line[..<equals].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                if layers.isEmpty {
                    if topLevel[key] == nil { topLevel[key] = index + 1 }
                } else if layers[layers.count - 1].keys[key] == nil {
                    layers[layers.count - 1].keys[key] = index + 1
                }
            }
        }
    }

    /// The line of layer `index`'s `[[layer]]` header (1 when there is none).
    func layer(_ index: Int) -> Int { layers.indices.contains(index) ? layers[index].header : 1 }

    /// The line of `key` in layer `index`, else its header's.
    func key(_ key: String, inLayer index: Int) -> Int {
        layers.indices.contains(index) ? layers[index].keys[key] ?? layers[index].header : 1
    }
}
