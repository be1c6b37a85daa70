import Federation
import FedzProtocol
import Learning
import Testing

@testable import Node

/// How a node's messages are addressed and encoded.
@Suite struct NodeEnvelopesTests {
    let envelopes = NodeEnvelopes(node: "n7", incarnation: 42, specs: [ParameterSpec(name: "w", shape: [2])])
    let round = RoundStart(
        round: 5, modelVersion: 4, modelHash: "h", assignments: ["n7": [1]],
        training: TrainingConfig(epochs: 1, batchSize: 1, learningRate: 1, seed: 1), deadlineSeconds: 10)

    @Test func controlMessagesGoOnTheControlTopicWithoutARound() throws {
        let hello = try WireFormat.decode(try #require(envelopes.control(.heartbeat, body: ModelRequest(version: 3))))
        #expect(hello.topic == .control)
        #expect(hello.header.sender == "n7" && hello.header.incarnation == 42)
        #expect(hello.header.round == nil && hello.header.modelVersion == nil)
        #expect(try hello.body(ModelRequest.self).version == 3)
        let failure = try WireFormat.decode(try #require(envelopes.control(.trainingFailed, round: round, body: ModelRequest(version: 3))))
        #expect(failure.header.round == 5 && failure.header.modelVersion == 4)
    }

    @Test func anUpdateCarriesItsDeltaAndItsHash() throws {
        let delta = [Tensor(shape: [2], values: [0.5, -1])]
        let update = try WireFormat.decode(envelopes.update(client: 1, samples: 20, trainLoss: 0.25, delta: delta, round: round))
        #expect(update.topic == .report && update.header.kind == .update)
        #expect(update.header.round == 5 && update.header.modelVersion == 4)
        let report = try update.body(UpdateReport.self)
        #expect(report.client == 1 && report.samples == 20 && report.trainLoss == 0.25)
        #expect(report.hash == ModelCodec.contentHash(delta))
        #expect(try ModelCodec.tensors(update.tensors, matching: envelopes.specs) == delta)
    }
}
