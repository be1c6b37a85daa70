import Actors
import Federation
import FedzProtocol
import Learning

/// A model version encoded once as a `model` message, for every node that asks for it.
struct PublishedModel: Sendable {
    let version: Int
    let hash: String
    let envelope: Envelope
    let weights: [Tensor]

    init(version: Int, weights: [Tensor], specs: [ParameterSpec], architecture: String, incarnation: UInt64) throws {
        self.version = version
        self.hash = ModelCodec.contentHash(weights)
        self.weights = weights
        self.envelope = try Envelope(
            topic: .model,
            header: Header(kind: .model, sender: Coordinator.senderID, incarnation: incarnation, modelVersion: version),
            body: ModelAnnouncement(architecture: architecture, hash: hash),
            tensors: ModelCodec.wireTensors(weights, specs: specs))
    }

    /// The version and hash nodes are told to serve.
    var served: ServedModel { ServedModel(version: version, hash: hash) }
}
