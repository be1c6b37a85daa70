import Federation
import FedzProtocol
import Learning
import Testing

/// What a coordinator says the federation trains is taken like anything from the network: a
/// built-in name, or a definition within bounds whose content hashes to the name it came under.
@Suite struct ModelDefinitionBodyTests {
    static let tiny = ModelDefinition(name: "tiny", input: [4], head: .classification, layers: [.dense(outputs: 3)])

    private func reason(_ body: ModelDefinitionBody) -> WireError.Reason? {
        do throws(WireError) {
            _ = try body.accept()
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func aBuiltInNameNeedsNoDefinitionAndAnyOtherNameDoes() throws {
        #expect(try ModelDefinitionBody(architecture: "cnn", definition: nil).accept() == "cnn")
        #expect(reason(ModelDefinitionBody(architecture: "tiny#0123456789ab", definition: nil)) == .unexpected)
    }

    @Test func aDefinitionIsRegisteredUnderTheNameItsContentHashesTo() throws {
        let architecture = ModelZoo.architectureName(of: Self.tiny)
        let body = ModelDefinitionBody(architecture: architecture, definition: Self.tiny)
        #expect(try body.accept() == architecture)
        #expect(ModelZoo.registeredDefinition(architecture) == Self.tiny)
        #expect(try ModelZoo.learner(architecture, seed: 1).parameterSpecs.map(\.shape) == [[4, 3], [3]])
        // The coordinator's answer for it carries the definition; for a built-in name, none.
        #expect(ModelDefinitionBody(architecture: architecture).definition == Self.tiny)
        #expect(ModelDefinitionBody(architecture: "mlp").definition == nil)
    }

    @Test func aDefinitionUnderAnotherNameOrOutOfBoundsIsRefused() {
        var changed = Self.tiny
        changed.layers = [.dense(outputs: 4)]
        // Sent under tiny's name: the content does not hash to it.
        #expect(reason(ModelDefinitionBody(architecture: ModelZoo.architectureName(of: Self.tiny), definition: changed)) == .checksum)
        // A billion outputs: refused by the bounds before any weight is allocated.
        let huge = ModelDefinition(name: "huge", input: [4], head: .classification, layers: [.dense(outputs: 1_000_000_000)])
        #expect(reason(ModelDefinitionBody(architecture: ModelZoo.architectureName(of: huge), definition: huge)) == .outOfRange)
        #expect(ModelZoo.registeredDefinition(ModelZoo.architectureName(of: huge)) == nil)
    }
}
