@testable import Learning
import Testing

/// `ONNXImport` without PyTorch: fedz's own ONNX export of a dense network imports back to the
/// same weights and outputs, and what the import does not take is refused by name.
extension LearningTests {
    @Suite struct ONNXImportTests {
        static func problem(_ bytes: [UInt8]) -> String? {
            do {
                _ = try ONNXImport.network(bytes, name: "m", path: "m.onnx")
                return nil
            } catch {
                return error.description
            }
        }

        @Test func anExportedDenseNetworkImportsToTheSameFunction() throws {
            let definition = try #require(ModelDefinition.builtIn["mlp"])
            let network = try definition.build(seed: 5)
            let imported = try ONNXImport.network(
                ONNXExport.model(definition, weights: network.parameters()), name: "mlp-again", path: "mlp.onnx")
            #expect(imported.definition.input == [28, 28])
            #expect(imported.definition.layers.map(\.typeName) == ["dense", "relu", "dense", "relu", "dense"])
            #expect(imported.weights == network.parameters())
        }

        @Test func whatIsNotAChainOfSupportedLayersIsRefusedByName() throws {
            // fedz's export of a CNN keeps channels last with Transpose nodes: no PyTorch graph.
            let cnn = try #require(ModelDefinition.builtIn["lenet5"])
            let exported = try ONNXExport.model(cnn, weights: cnn.build(seed: 1).parameters())
            #expect(Self.problem(exported)
                == "file m.onnx: ONNX import: Reshape conv0.channel to [-1, 28, 28, 1]: only a flatten to [batch, features] is imported")
            #expect(Self.problem([0x08, 0x08]) == "file m.onnx: ONNX: no graph (is this an ONNX model?)")
            #expect(Self.problem([0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == "file m.onnx: ONNX: a field of 4294967295 bytes runs past the message")
            // Every prefix of a real export is an error or a network, never a crash.
            let mlp = try #require(ModelDefinition.builtIn["mlp"])
            let bytes = try ONNXExport.model(mlp, weights: mlp.build(seed: 1).parameters())
            for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) { _ = Self.problem(Array(bytes.prefix(length))) }
        }
    }
}
