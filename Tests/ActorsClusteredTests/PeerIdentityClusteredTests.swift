import Actors
import FedzProtocol
import Testing

extension ActorsClusteredTests {
    /// What the transport vouches for: the name a sender's key is listed with travels with each
    /// message it sends, and a message past the socket's limits is drained unseen and counted.
    @Suite struct PeerIdentity {
        let server: CurveKeyPair
        let named: CurveKeyPair
        let unnamed: CurveKeyPair

        init() throws {
            server = try CurveKeyPair.generate()
            named = try CurveKeyPair.generate()
            unnamed = try CurveKeyPair.generate()
        }

        func allowList() throws -> AllowList {
            try AllowList(parsing: "\(named.publicKey) node-7\n\(unnamed.publicKey)\n")
        }

        func client(_ keys: CurveKeyPair) -> SocketSettings {
            SocketSettings(curve: .client(keys, serverPublicKey: server.publicKey))
        }

        @Test func eachMessageCarriesTheNameItsKeyIsListedWith() async throws {
            try await withLoop { loop in
                try await loop.installAuthenticator(allowList: allowList())
                let puller = try await Puller(
                    loop: loop, bind: "tcp://127.0.0.1:*", settings: SocketSettings(curve: .server(server)))
                let first = try await Pusher(loop: loop, connect: puller.endpoint, settings: client(named))
                let second = try await Pusher(loop: loop, connect: puller.endpoint, settings: client(unnamed))
                try await first.send([bytes("from named"), bytes("x")], timeout: .seconds(5))
                try await second.send([bytes("from unnamed")], timeout: .seconds(5))
                let received = try await within(.seconds(10), "two messages") {
                    var iterator = puller.messages.withPeers.makeAsyncIterator()
                    var messages: [ReceivedMessage] = []
                    while messages.count < 2, let message = await iterator.next() { messages.append(message) }
                    return messages
                }
                #expect(Set(received.map { "\($0.peer ?? "nil") \($0.frames.first.map { String(decoding: $0, as: UTF8.self) } ?? "")" })
                    == ["node-7 from named", "\(unnamed.publicKey) from unnamed"])
            }
        }

        @Test func plainTextMessagesHaveNoPeer() async throws {
            try await withLoop { loop in
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint)
                try await pusher.send([bytes("plain")], timeout: .seconds(5))
                let message = try await within(.seconds(5), "a message") {
                    var iterator = puller.messages.withPeers.makeAsyncIterator()
                    return await iterator.next()
                }
                #expect(message?.frames == [bytes("plain")] && message?.peer == nil)
            }
        }

        @Test func messagesPastTheFrameOrByteLimitAreDrainedAndCounted() async throws {
            try await withLoop { loop in
                let limits = MessageLimits(maxFrames: 4, maxBytes: 1000)
                let puller = try await Puller(
                    loop: loop, bind: "tcp://127.0.0.1:*", settings: SocketSettings(messageLimits: limits))
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint)
                let tooManyFrames = Multipart(repeating: bytes("f"), count: 5)
                let tooManyBytes = [Frame(repeating: 1, count: 600), Frame(repeating: 2, count: 600)]
                let atTheLimits = [Frame(repeating: 3, count: 997), bytes("a"), bytes("b"), bytes("c")]
                for message in [tooManyFrames, tooManyBytes, atTheLimits, [bytes("after")]] {
                    try await pusher.send(message, timeout: .seconds(5))
                }
                #expect(try await puller.messages.collect(2, within: .seconds(10)) == [atTheLimits, [bytes("after")]])
                #expect(puller.messages.overLimit == 2)
                #expect(await puller.counters.overLimit == 2)
            }
        }
    }
}
