import ArgumentParser
import Testing

@testable import CommandSupport

/// Plain text stays on this machine unless asked for on the network in so many words.
@Suite struct SecurityOptionsTests {
    @Test(arguments: [
        ("tcp://127.0.0.1:*", true), ("tcp://127.0.0.1:7001", true), ("tcp://localhost:7001", true),
        ("tcp://[::1]:7001", true), ("ipc:///tmp/fedz", true), ("inproc://x", true),
        ("tcp://*:7001", false), ("tcp://0.0.0.0:7001", false), ("tcp://10.0.0.1:7001", false), ("tcp://eth0:7001", false),
    ])
    func loopbackEndpoints(_ endpoint: String, local: Bool) {
        #expect(SecurityOptions.isLocal(endpoint) == local)
    }

    @Test func plainTextBindsLoopbackByDefault() throws {
        #expect(try SecurityOptions.parse(["--plaintext"]).defaultBind(port: 7001) == "tcp://127.0.0.1:7001")
        #expect(try SecurityOptions.parse(["--plaintext", "--plaintext-on-network"]).defaultBind(port: 7001) == "tcp://*:7001")
        #expect(try SecurityOptions.parse(["--keys", "/tmp/keys"]).defaultBind(port: 7002) == "tcp://*:7002")
    }

    @Test func plainTextRefusesANetworkBindUnlessToldExplicitly() throws {
        let plain = try SecurityOptions.parse(["--plaintext"])
        #expect(throws: ValidationError.self) { try plain.checkBinds(["tcp://127.0.0.1:*", "tcp://*:7002"]) }
        try plain.checkBinds(["tcp://127.0.0.1:*", "tcp://localhost:7002"])
        let onNetwork = try SecurityOptions.parse(["--plaintext", "--plaintext-on-network"])
        try onNetwork.checkBinds(["tcp://*:7002"])
        #expect(onNetwork.arguments == ["--plaintext", "--plaintext-on-network"])
        let encrypted = try SecurityOptions.parse(["--keys", "/tmp/keys"])
        try encrypted.checkBinds(["tcp://*:7002"])
        #expect(throws: (any Error).self) { try SecurityOptions.parse(["--keys", "/tmp/keys", "--plaintext-on-network"]) }
    }
}
