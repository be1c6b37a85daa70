import Actors
import FedzProtocol
import Testing

extension ActorsClusteredTests {
    @Suite struct BroadcastThroughputs {
        let message: Multipart = [Array("fedz/1/model/".utf8), [UInt8](repeating: 7, count: 100), [UInt8](repeating: 1, count: 64 << 10)]

        @Test func rawLibzmqDeliversTheWholeBurst() throws {
            let measurement = try BroadcastThroughput.raw(message: message, count: 20, settings: SocketSettings())
            #expect(measurement.messages == 20)
            #expect(measurement.bytes == 20 * message.reduce(0) { $0 + $1.count })
            #expect(measurement.seconds > 0)
        }

        @Test func theActorsDeliverTheWholeBurst() async throws {
            let measurement = try await BroadcastThroughput.actors(message: message, count: 20, settings: SocketSettings())
            #expect(measurement.messages == 20)
            #expect(measurement.bytes == 20 * message.reduce(0) { $0 + $1.count })
            #expect(measurement.bytesPerSecond > 0)
        }
    }
}
