import Actors
import FedzProtocol
import Foundation

/// A directory of CurveZMQ keys as `fedz keys generate` writes it: `coordinator.key/.pub`,
/// `monitor.key/.pub`, `admin.key/.pub`, `node-<i>.key/.pub` (secret keys mode 0600) and
/// `allow-list` (the monitor, admin and node public keys the coordinator admits, with their roles).
public struct KeyStore: Sendable {
    public static let coordinatorName = "coordinator"
    public static let monitorName = "monitor"
    /// The operator's key: `fedz models promote|rollback` against a running coordinator.
    public static let adminName = "admin"
    public let directory: String

    public init(directory: String) { self.directory = directory }

    var allowListPath: String { (directory as NSString).appendingPathComponent("allow-list") }

    /// Writes fresh key pairs for the coordinator, the monitor and `nodes` nodes (`node-0` …)
    /// and the allow-list; refuses to replace existing files unless `force`.
    public func generate(nodes: Int, force: Bool) throws {
        let names = [Self.coordinatorName, Self.monitorName, Self.adminName] + (0..<nodes).map { "node-\($0)" }
        if !force {
            let targets = names.flatMap { ["\($0).key", "\($0).pub"] }.map { (directory as NSString).appendingPathComponent($0) }
            if let existing = (targets + [allowListPath]).first(where: FileManager.default.fileExists(atPath:)) {
                throw KeyStoreError("\(existing) already exists; pass --force to replace keys")
            }
        }
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var allowList = "# fedz allow-list: the keys the coordinator accepts (<public key> <id> <role>)\n"
        for name in names {
            let pair = try CurveKeyPair.generate()
            try pair.write(to: directory, name: name)
            let role = name == Self.adminName ? PeerRole.admin : PeerRole.implied(by: name)
            if name != Self.coordinatorName { allowList += "\(pair.publicKey) \(name) \(role)\n" }
        }
        try allowList.write(toFile: allowListPath, atomically: true, encoding: .utf8)
    }

    /// The coordinator's side: CURVE server settings and the allow-list to enforce.
    public func server() throws -> (curve: CurveSettings, allowList: AllowList) {
        (.server(try CurveKeyPair.load(from: directory, name: Self.coordinatorName)), try AllowList.load(path: allowListPath))
    }

    /// A node's side: its own key pair `name.key` and the coordinator's public key.
    public func client(name: String) throws -> CurveSettings {
        .client(
            try CurveKeyPair.load(from: directory, name: name),
            serverPublicKey: try CurveKeyPair.loadPublicKey(from: directory, name: Self.coordinatorName))
    }

    /// The monitor's sides, both with its key pair `monitor.key`: a client of the coordinator,
    /// and the server of its alert PUB (subscribers need `monitor.pub`, any client key gets in).
    public func monitor() throws -> (client: CurveSettings, server: CurveSettings) {
        (try client(name: Self.monitorName), .server(try CurveKeyPair.load(from: directory, name: Self.monitorName)))
    }
}

/// A key directory that cannot be used as asked, with the reason.
public struct KeyStoreError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
