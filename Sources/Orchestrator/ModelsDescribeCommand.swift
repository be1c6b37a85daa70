import ArgumentParser
import CommandSupport
import Foundation
import Learning

extension ModelsCommand {
    /// `fedz models describe MODEL`: a model definition's layers, with the shapes inferred from its
    /// input and the parameters each layer holds.
    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a model definition's layers with their output shapes and parameter counts.",
            discussion: "MODEL is a definition file (TOML, see models/) or a built-in network's name: "
                + ModelDefinition.builtIn.keys.sorted().joined(separator: ", ") + ".")

        @Argument(help: "A model definition file, or a built-in network's name.")
        var model: String

        @Flag(help: "Print one JSON object instead of the table.")
        var json = false

        func run() throws {
            let definition = try Self.definition(model)
            let rows = try definition.describe()
            if json {
                print(String(decoding: try FedzJSON.encoder().encode(DescribedModel(definition: definition, rows: rows)), as: UTF8.self))
                return
            }
            print("\(definition.name): input \(definition.input), head \(definition.head.rawValue)")
            print(Self.table(rows))
        }

        /// The definition in file `model` (a definition file or an ONNX export), or the built-in network of that name.
        static func definition(_ model: String) throws -> ModelDefinition {
            if let builtIn = ModelDefinition.builtIn[model], !FileManager.default.fileExists(atPath: model) { return builtIn }
            guard let definition = ModelZoo.registeredDefinition(try ModelArgument.architecture(model)) else {
                throw FedzError("\(model) is no network of layers")
            }
            return definition
        }

        /// The layer table, right-aligned numbers, and the total.
        static func table(_ rows: [LayerDescription]) -> String {
            let cells = [["layer", "name", "output", "parameters"]]
                + rows.enumerated().map { ["\($0.offset + 1)", $0.element.name, "\($0.element.outputShape)", grouped($0.element.parameters)] }
                + [["", "total", "", grouped(rows.reduce(0) { $0 + $1.parameters })]]
            let widths = (0..<4).map { column in cells.map { $0[column].count }.max() ?? 0 }
            return cells.map { row in
                row.enumerated().map { column, cell in
                    let padding = String(repeating: " ", count: widths[column] - cell.count)
                    return column == 1 || column == 2 ? cell + padding : padding + cell
                }.joined(separator: "  ")
            }.joined(separator: "\n")
        }

        private static func grouped(_ value: Int) -> String { value.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US"))) }
    }
}

/// `fedz models describe --json`.
struct DescribedModel: Encodable {
    struct Row: Encodable {
        var name: String
        var outputShape: [Int]
        var parameters: Int

        enum CodingKeys: String, CodingKey {
            case name, parameters
            case outputShape = "output_shape"
        }
    }

    var name: String
    var input: [Int]
    var head: String
    var layers: [Row]
    var parameters: Int

    init(definition: ModelDefinition, rows: [LayerDescription]) {
        (name, input, head) = (definition.name, definition.input, definition.head.rawValue)
        layers = rows.map { Row(name: $0.name, outputShape: $0.outputShape, parameters: $0.parameters) }
        parameters = rows.reduce(0) { $0 + $1.parameters }
    }
}
