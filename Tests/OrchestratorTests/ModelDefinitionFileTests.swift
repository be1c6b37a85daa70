import CommandSupport
import Foundation
import Learning
import Testing

@testable import Orchestrator

/// Model definition files: the shipped ones state exactly the built-in networks, and every
/// problem in a file is reported with the file and the line to fix.
@Suite struct ModelDefinitionFileTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../models").standardized

    @Test func theShippedFilesAreTheBuiltInNetworks() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.models.path).filter { $0.hasSuffix(".toml") }.sorted()
        #expect(files == ModelDefinition.builtIn.keys.sorted().map { $0 + ".toml" })
        for file in files {
            let definition = try ModelDefinitionFile.load(path: Self.models.appendingPathComponent(file).path)
            #expect(definition == ModelDefinition.builtIn[definition.name], "\(file)")
            #expect(definition.name + ".toml" == file)
        }
    }

    static let header = "name = \"test\"\ninput = [28, 28]\nhead = \"classification\"\n"

    static func problem(_ text: String) -> ConfigProblem? {
        do {
            _ = try ModelDefinitionFile.parse(text, path: "m.toml")
            return nil
        } catch {
            return error
        }
    }

    @Test func shorthandsAndDefaults() throws {
        let definition = try ModelDefinitionFile.parse(Self.header + """
            [[layer]]
            type = "conv2d"
            filters = 4
            kernel = [3, 5]
            padding = [1, 2]

            [[layer]]
            type = "maxpool2d"
            size = 2
            stride = 1

            [[layer]]
            type = "dropout"
            rate = 0.25

            [[layer]]
            type = "dense"
            outputs = 10
            """, path: "m.toml")
        #expect(definition.layers == [
            .conv2d(filters: 4, kernel: [3, 5], stride: 1, padding: .explicit(rows: 1, columns: 2)),
            .maxPool2d(size: [2, 2], stride: 1), .dropout(rate: 0.25), .dense(outputs: 10),
        ])
    }

    @Test func everyProblemNamesItsLine() {
        #expect(Self.problem("name = \"x\"\ninput = [28, 28\n")?.line == 2, "a syntax error")
        #expect(Self.problem(Self.header + "\n[[layer]]\ntype = \"dense\"\noutputs = 10\n\n[[layer]]\ntype = \"lstm\"\nhidden = 8\n")?
            .description == "m.toml:9: layer 2 (lstm): takes a sequence [steps, features], not [10]")
        #expect(Self.problem(Self.header + "[[layer]]\ntype = \"conv2d\"\nfilters = 4\nkernel = 3\nstride = 0\n")?
            .description == "m.toml:8: layer 1 (conv2d): stride must be in 1...64, not 0")
        #expect(Self.problem(Self.header + "[[layer]]\ntype = \"dense\"\nunits = 5\n")?
            .description == "m.toml:6: layer 1: units: a dense layer takes outputs, init")
        #expect(Self.problem(Self.header + "[[layer]]\ntype = \"attention\"\n")?
            .description == "m.toml:5: layer 1: type: unknown type 'attention'; known: "
            + LayerDefinition.typeNames.joined(separator: ", "))
        #expect(Self.problem(Self.header + "[[layer]]\ntype = \"dense\"\noutputs = \"ten\"\n")?
            .description == "m.toml:6: layer 1: outputs: expected an integer")
        #expect(Self.problem(Self.header + "[[layer]]\ntype = \"conv2d\"\nfilters = 4\nkernel = 3\n")?
            .description == "m.toml:3: model definition: a classification head needs an output of [classes] with at least 2 classes; the last layer gives [26, 26, 4]")
        #expect(Self.problem("name = \"x\"\ninput = [28, 28]\nhead = \"classifier\"\n")?
            .description == "m.toml:3: head: unknown head 'classifier'; known: classification, next-token")
        #expect(Self.problem(Self.header)?.description == "m.toml:1: no [[layer]] tables: a model has at least one layer")
        #expect(Self.problem(Self.header + "seed = 3\n[[layer]]\ntype = \"dense\"\noutputs = 10\n")?
            .description == "m.toml:4: seed: unknown key; a model file has name, input, head, tokens, alphabet, layer")
        let layers = "[[layer]]\ntype = \"embedding\"\nvocabulary = 3\ndimensions = 2\n[[layer]]\ntype = \"dense\"\noutputs = 3\n"
        let model = "name = \"m\"\ninput = [4]\nhead = \"next-token\"\n"
        #expect(Self.problem(model + "tokens = \"syllables\"\n" + layers)?.description
            == "m.toml:4: tokens: unknown tokens 'syllables'; known: bytes, characters, words")
        #expect(Self.problem(model + "tokens = \"bytes\"\n" + layers)?.description
            == "m.toml:4: model definition: bytes tokens need an embedding of 256 ids, not 3")
        #expect(Self.problem(model + "tokens = \"characters\"\nalphabet = \"ab\"\n" + layers)?.description
            == "m.toml:4: model definition: an alphabet of 2 characters needs an embedding of as many ids, not 3")
        #expect(Self.problem(model + "tokens = \"words\"\nalphabet = \"abc\"\n" + layers)?.description
            == "m.toml:5: alphabet: an alphabet is for tokens = \"characters\"")
        #expect(Self.problem(model + "tokens = \"characters\"\nalphabet = \"abc\"\n" + layers) == nil)
    }
}
