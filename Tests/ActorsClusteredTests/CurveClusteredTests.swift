import Actors
import FedzProtocol
import Testing

extension ActorsClusteredTests {
    /// CurveZMQ on loopback TCP: encryption, the allow-list authenticator, and what a client
    /// that is not let in sees (nothing: its sends find no completed connection).
    @Suite struct Curve {
        let server: CurveKeyPair
        let client: CurveKeyPair
        let stranger: CurveKeyPair

        init() throws {
            server = try CurveKeyPair.generate()
            client = try CurveKeyPair.generate()
            stranger = try CurveKeyPair.generate()
        }

        func serverSettings() -> SocketSettings { SocketSettings(curve: .server(server)) }

        func clientSettings(_ keys: CurveKeyPair, serverKey: String? = nil) -> SocketSettings {
            SocketSettings(curve: .client(keys, serverPublicKey: serverKey ?? server.publicKey))
        }

        @Test func pushPullWithAnAllowListedClient() async throws {
            try await withLoop { loop in
                try await loop.installAuthenticator(allowList: AllowList(publicKeys: [client.publicKey]))
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: serverSettings())
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint, settings: clientSettings(client))
                let sent: [Multipart] = [[bytes("fedz/1/update/"), Frame(repeating: 7, count: 100_000)], [[]]]
                for message in sent { try await pusher.send(message, timeout: .seconds(5)) }
                #expect(try await puller.messages.collect(sent.count, within: .seconds(5)) == sent)
                #expect(loop.authenticatorCounters == AuthenticatorCounters(allowed: 1, refused: 0))
            }
        }

        @Test func pubSubWithAnAllowListedClient() async throws {
            try await withLoop { loop in
                try await loop.installAuthenticator(allowList: AllowList(publicKeys: [client.publicKey]))
                let publisher = try await Publisher(loop: loop, bind: "tcp://127.0.0.1:*", settings: serverSettings())
                let subscriber = try await Subscriber(
                    loop: loop, connect: [publisher.endpoint], topics: ["fedz/1/round/"],
                    settings: clientSettings(client))
                // PUB drops messages until the subscription has arrived: publish until one gets through.
                let publishing = Task {
                    while !Task.isCancelled {
                        try await publisher.send([bytes("fedz/1/round/"), bytes("start")])
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                defer { publishing.cancel() }
                #expect(try await subscriber.messages.next(within: .seconds(5)) == [bytes("fedz/1/round/"), bytes("start")])
                #expect(loop.authenticatorCounters.allowed == 1)
            }
        }

        @Test func anUnlistedClientGetsNothingThroughAndIsReportedOnce() async throws {
            let loop = try await IOLoop.start(name: "fedz-test-io")
            do {
                try await loop.installAuthenticator(allowList: AllowList(publicKeys: [client.publicKey]))
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: serverSettings())
                let first = try await Pusher(loop: loop, connect: puller.endpoint, settings: clientSettings(stranger))
                let second = try await Pusher(loop: loop, connect: puller.endpoint, settings: clientSettings(stranger))
                try await waitUntil("two refusals") { loop.authenticatorCounters.refused >= 2 }
                for pusher in [first, second] {
                    await #expect(throws: ActorsError.self) {
                        try await pusher.send([bytes("secret")], timeout: .milliseconds(200))
                    }
                }
                #expect(await puller.messages.staysQuiet(for: .milliseconds(200)))
                #expect(loop.authenticatorCounters.allowed == 0)
            } catch {
                await loop.shutdown()
                throw error
            }
            await loop.shutdown()
            let events = await loop.securityEvents.collected()
            #expect(events.filter { if case .refused = $0 { true } else { false } }
                == [.refused(publicKey: stranger.publicKey, address: "127.0.0.1")])
            // Each client socket's monitor reports its refusal once.
            let refusals = events.filter { if case .handshakeFailed(_, .refused(status: 400)) = $0 { true } else { false } }
            #expect(refusals.count == 2)
        }

        @Test func aPlainTextClientGetsNothingThrough() async throws {
            try await withLoop { loop in
                try await loop.installAuthenticator(allowList: AllowList(publicKeys: [client.publicKey]))
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: serverSettings())
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint)
                await #expect(throws: ActorsError.self) {
                    try await pusher.send([bytes("plain")], timeout: .milliseconds(500))
                }
                #expect(await puller.messages.staysQuiet(for: .milliseconds(200)))
                #expect(loop.authenticatorCounters == AuthenticatorCounters())
            }
        }

        @Test func aClientWithTheWrongServerKeyGetsNothingThroughAndOneEvent() async throws {
            var endpoint = ""
            let loop = try await withLoop { loop in
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: serverSettings())
                endpoint = puller.endpoint
                let pusher = try await Pusher(
                    loop: loop, connect: puller.endpoint, settings: clientSettings(client, serverKey: stranger.publicKey))
                await #expect(throws: ActorsError.self) {
                    try await pusher.send([bytes("lost")], timeout: .milliseconds(500))
                }
                #expect(await puller.messages.staysQuiet(for: .milliseconds(200)))
                return loop
            }
            let events = await loop.securityEvents.collected()
            #expect(events.count == 1)
            if case .handshakeFailed(let peer, _)? = events.first { #expect(peer == endpoint) } else {
                Issue.record("expected one handshake failure, got \(events)")
            }
        }

        @Test func closingMonitoredClientsWhileTheirHandshakesFailIsClean() async throws {
            try await withLoop { loop in
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: serverSettings())
                for _ in 0..<20 {
                    let pusher = try await Pusher(
                        loop: loop, connect: puller.endpoint, settings: clientSettings(client, serverKey: stranger.publicKey))
                    try await Task.sleep(for: .milliseconds(10))
                    await pusher.close()
                }
                #expect(await puller.messages.staysQuiet(for: .milliseconds(100)))
            }
        }

        @Test func withoutAnAuthenticatorAnyClientKeyGetsIn() async throws {
            try await withLoop { loop in
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: serverSettings())
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint, settings: clientSettings(stranger))
                try await pusher.send([bytes("in")], timeout: .seconds(5))
                #expect(try await puller.messages.next() == [bytes("in")])
            }
        }

        @Test func plainSocketsKeepWorkingNextToTheAuthenticator() async throws {
            try await withLoop { loop in
                try await loop.installAuthenticator(allowList: AllowList(publicKeys: [client.publicKey]))
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*")
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint)
                try await pusher.send([bytes("plain")], timeout: .seconds(5))
                #expect(try await puller.messages.next() == [bytes("plain")])
                #expect(loop.authenticatorCounters == AuthenticatorCounters())
            }
        }

        @Test func replacingTheAllowListAdmitsANewKey() async throws {
            try await withLoop { loop in
                try await loop.installAuthenticator(allowList: AllowList(publicKeys: [client.publicKey]))
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: serverSettings())
                try await loop.installAuthenticator(allowList: AllowList(publicKeys: [stranger.publicKey]))
                let pusher = try await Pusher(loop: loop, connect: puller.endpoint, settings: clientSettings(stranger))
                try await pusher.send([bytes("now listed")], timeout: .seconds(5))
                #expect(try await puller.messages.next() == [bytes("now listed")])
            }
        }

        @Test func installingTheAuthenticatorAfterACurveServerSocketIsRefused() async throws {
            try await withLoop { loop in
                let puller = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: serverSettings())
                let error = await #expect(throws: ActorsError.self) {
                    try await loop.installAuthenticator(allowList: AllowList(publicKeys: [client.publicKey]))
                }
                #expect(error?.code == .misconfigured)
                await puller.close()
            }
        }

        @Test func anInvalidKeyFailsTheOpenWithTheOptionName() async throws {
            try await withLoop { loop in
                let settings = SocketSettings(curve: CurveSettings(role: .server(secretKey: "too short")))
                let error = await #expect(throws: ZMQError.self) {
                    _ = try await Puller(loop: loop, bind: "tcp://127.0.0.1:*", settings: settings)
                }
                #expect(error?.operation == "zmq_setsockopt(ZMQ_CURVE_SECRETKEY)")
            }
        }
    }
}
