import Federation
import FedzProtocol
import Learning
import Testing

@testable import Node

/// The node's model versions without sockets or clocks: what is kept, what is asked for and
/// when, and what the field evaluation uses.
@Suite struct ModelShelfTests {
    let start = ContinuousClock.now
    static let specs = [ParameterSpec(name: "w", shape: [2])]

    static func weights(_ value: Float) -> [Tensor] { [Tensor(shape: [2], values: [value, -value])] }

    /// A model publication as the node decodes it off the wire.
    static func publication(
        version: Int?, weights: [Tensor], hash: String? = nil, architecture: String = "mlp"
    ) throws -> Envelope {
        let envelope = try Envelope(
            topic: .model, header: Header(kind: .model, sender: "coordinator", incarnation: 1, modelVersion: version),
            body: ModelAnnouncement(architecture: architecture, hash: hash ?? ModelCodec.contentHash(weights)),
            tensors: ModelCodec.wireTensors(weights, specs: specs))
        return try WireFormat.decode(WireFormat.encode(envelope))
    }

    static func served(_ version: Int, _ weights: [Tensor]) -> ServedModel {
        ServedModel(version: version, hash: ModelCodec.contentHash(weights))
    }

    func fresh() -> ModelShelf { ModelShelf(architecture: "mlp", specs: Self.specs) }

    @Test func keepsAVersionOnlyWhenItMatchesItsHash() throws {
        var shelf = fresh()
        let weights = Self.weights(1)
        #expect(try shelf.onModel(Self.publication(version: 1, weights: weights), roundVersion: nil))
        #expect(shelf.weights(version: 1, hash: ModelCodec.contentHash(weights)) == weights)
        #expect(shelf.weights(version: 1, hash: "other") == nil)
        #expect(try !shelf.onModel(Self.publication(version: 1, weights: weights), roundVersion: nil), "held already")

        #expect(throws: WireError.self) { try shelf.onModel(Self.publication(version: 2, weights: weights, hash: "bad"), roundVersion: nil) }
        #expect(throws: WireError.self) { try shelf.onModel(Self.publication(version: 2, weights: weights, architecture: "cnn"), roundVersion: nil) }
        #expect(throws: WireError.self) { try shelf.onModel(Self.publication(version: nil, weights: weights), roundVersion: nil) }
        #expect(shelf.models.keys.sorted() == [1])
    }

    @Test func keepsOnlyTheRoundsProductionsCandidatesAndNewestVersion() throws {
        var shelf = fresh()
        _ = shelf.onStatus(CoordinatorStatus(round: 1, production: Self.served(2, Self.weights(2)), candidate: nil), roundVersion: nil, now: start)
        for version in 1...5 {
            _ = try shelf.onModel(Self.publication(version: version, weights: Self.weights(Float(version))), roundVersion: 3)
        }
        #expect(shelf.models.keys.sorted() == [2, 3, 5])
        _ = shelf.onStatus(CoordinatorStatus(round: 2, production: Self.served(5, Self.weights(5)), candidate: nil), roundVersion: nil, now: start)
        #expect(shelf.models.keys.sorted() == [5])
    }

    @Test func aNodeThatEvaluatesAsksForAndKeepsTheLatestVersion() throws {
        let (production, latest) = (Self.served(2, Self.weights(2)), Self.served(4, Self.weights(4)))
        let status = CoordinatorStatus(round: 4, production: production, candidate: nil, latest: latest)
        var evaluating = ModelShelf(architecture: "mlp", specs: Self.specs, evaluatesLatest: true)
        #expect(evaluating.onStatus(status, roundVersion: nil, now: start) == [.newProduction(version: 2), .request(version: 2), .request(version: 4)])
        #expect(evaluating.latestModel() == nil)
        for version in [4, 2, 3] { _ = try evaluating.onModel(Self.publication(version: version, weights: Self.weights(Float(version))), roundVersion: nil) }
        #expect(evaluating.latestModel() == ModelShelf.Served(version: 4, weights: Self.weights(4)))
        #expect(evaluating.models.keys.sorted() == [2, 4], "production and the latest; 3, older than the latest, is dropped")
        // A node holding nothing out does not ask for it.
        var serving = fresh()
        #expect(serving.onStatus(status, roundVersion: nil, now: start) == [.newProduction(version: 2), .request(version: 2)])
    }

    @Test func asksForAMissingVersionAtMostOnceASecond() {
        var shelf = fresh()
        func ask(_ version: Int, atMilliseconds offset: Int) -> Bool {
            shelf.onMissing(version: version, now: start + .milliseconds(offset))
        }
        #expect(ask(4, atMilliseconds: 0))
        #expect(!ask(4, atMilliseconds: 900))
        #expect(ask(5, atMilliseconds: 900), "another version is asked for at once")
        #expect(ask(4, atMilliseconds: 950))
        #expect(!ask(4, atMilliseconds: 1900))
        shelf.onCoordinatorRestarted()
        #expect(ask(4, atMilliseconds: 1900), "a new coordinator is asked at once")
    }

    @Test func aStatusSwitchesProductionAndAsksForWhatIsMissing() throws {
        var shelf = fresh()
        let production = Self.weights(1), candidate = Self.weights(2)
        let status = CoordinatorStatus(round: 3, production: Self.served(1, production), candidate: Self.served(2, candidate))
        #expect(shelf.onStatus(status, roundVersion: nil, now: start) == [.newProduction(version: 1), .request(version: 1), .request(version: 2)])
        #expect(shelf.fieldModels() == nil, "nothing to evaluate yet")

        _ = try shelf.onModel(Self.publication(version: 1, weights: production), roundVersion: nil)
        #expect(shelf.onStatus(status, roundVersion: nil, now: start + .seconds(2)) == [.request(version: 2)])
        let field = try #require(shelf.fieldModels())
        #expect(field.production == ModelShelf.Served(version: 1, weights: production))
        #expect(field.candidate == nil)

        _ = try shelf.onModel(Self.publication(version: 2, weights: candidate), roundVersion: nil)
        #expect(shelf.onStatus(status, roundVersion: nil, now: start + .seconds(4)).isEmpty)
        #expect(shelf.fieldModels()?.candidate == ModelShelf.Served(version: 2, weights: candidate))
        #expect(shelf.serving == status)
    }
}
