import FedzProtocol
import Learning
import Testing

@testable import Federation

@Suite struct ModelCodecTests {
    let specs = [ParameterSpec(name: "w", shape: [2, 2]), ParameterSpec(name: "b", shape: [2])]
    let weights = [Tensor(shape: [2, 2], values: [1, 2, 3, 4]), Tensor(shape: [2], values: [5, 6])]

    @Test func roundTripsThroughWireTensors() throws {
        let wire = ModelCodec.wireTensors(weights, specs: specs)
        #expect(wire.map(\.name) == ["w", "b"])
        #expect(try ModelCodec.tensors(wire, matching: specs) == weights)
    }

    @Test func refusesTensorsThatDoNotFitTheModel() {
        var wire = ModelCodec.wireTensors(weights, specs: specs)
        wire[1] = WireTensor(name: "b", shape: [3], values: [1, 2, 3])
        #expect(throws: WireError.self) { try ModelCodec.tensors(wire, matching: specs) }
        #expect(throws: WireError.self) { try ModelCodec.tensors(Array(wire.prefix(1)), matching: specs) }
        wire = ModelCodec.wireTensors(weights, specs: specs)
        wire[0].name = "other"
        #expect(throws: WireError.self) { try ModelCodec.tensors(wire, matching: specs) }
        wire = ModelCodec.wireTensors(weights, specs: specs)
        wire[1] = WireTensor(name: "b", shape: [2], words: [5, 6])
        #expect(throws: WireError.self) { try ModelCodec.tensors(wire, matching: specs) }
    }

    @Test func contentHashChangesWithAnyValueOrShape() {
        let hash = ModelCodec.contentHash(weights)
        #expect(hash.count == 64)
        #expect(hash == ModelCodec.contentHash(weights))
        var changed = weights
        changed[1].values[0] = 5.0001
        #expect(ModelCodec.contentHash(changed) != hash)
        #expect(ModelCodec.contentHash([Tensor(shape: [4, 1], values: [1, 2, 3, 4]), weights[1]]) != hash)
    }
}
