import Actors
import Federation
import FedzProtocol
import Foundation
import Learning

/// Model broadcast over PUB/SUB, fedz's actors against raw libzmq in the same process: the
/// MLP's encoded model message, the coordinator's socket settings, alternating runs.
struct BroadcastComparison: Encodable {
    var messageBytes: Int
    var messages: Int
    var raw: [Double]
    var actors: [Double]

    /// Medians, in bytes per second.
    var rawMedian: Double { raw.median ?? 0 }
    var actorsMedian: Double { actors.median ?? 0 }
    /// The actors' median throughput as a fraction of raw libzmq's.
    var ratio: Double { rawMedian > 0 ? actorsMedian / rawMedian : 0 }

    static func measure(messages: Int, repeats: Int) async throws -> BroadcastComparison {
        let model = try ModelZoo.make("mlp", seed: 1)
        let published = try PublishedModel(
            version: 1, weights: model.parameters(), specs: model.parameterSpecs, architecture: "mlp", incarnation: 1)
        let message = WireFormat.encode(published.envelope)
        let settings = SocketSettings()
        let compute = ComputeThread(name: "fedz-bench-raw")
        defer { compute.stop() }
        var comparison = BroadcastComparison(
            messageBytes: message.reduce(0) { $0 + $1.count }, messages: messages, raw: [], actors: [])
        for _ in 0..<repeats {
            let raw = try await compute.run { try BroadcastThroughput.raw(message: message, count: messages, settings: settings) }
            let actors = try await BroadcastThroughput.actors(message: message, count: messages, settings: settings)
            for measurement in [raw, actors] where measurement.messages < messages {
                throw FedzError("only \(measurement.messages) of \(messages) broadcast messages arrived")
            }
            comparison.raw.append(raw.bytesPerSecond)
            comparison.actors.append(actors.bytesPerSecond)
        }
        return comparison
    }

    enum CodingKeys: String, CodingKey {
        case messages, raw, actors, ratio
        case messageBytes = "message_bytes"
        case rawMedian = "raw_median_bytes_per_second"
        case actorsMedian = "actors_median_bytes_per_second"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(messageBytes, forKey: .messageBytes)
        try container.encode(messages, forKey: .messages)
        try container.encode(raw, forKey: .raw)
        try container.encode(actors, forKey: .actors)
        try container.encode(rawMedian, forKey: .rawMedian)
        try container.encode(actorsMedian, forKey: .actorsMedian)
        try container.encode(ratio, forKey: .ratio)
    }
}
