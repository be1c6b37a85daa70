import Actors
import ArgumentParser
import Foundation

/// `fedz keys`: CurveZMQ key pairs for encrypted, allow-listed transport.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage CurveZMQ key pairs.", subcommands: [Generate.self])

    /// `fedz keys generate`: synchronous on purpose, so that the libzmq key generation runs on the
    /// main thread rather than on Swift's cooperative pool.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write coordinator and node key pairs and an allow-list of the node keys.",
            discussion: """
                Writes coordinator.key/.pub, node-0.key/.pub … node-(N-1).key/.pub (secret keys mode \
                0600) and allow-list (one node public key and name a line) into --out, which is \
                created with mode 0700 if missing.
                """)

        @Option(help: "Directory to write the keys into.")
        var out: String

        @Option(help: "Number of node key pairs (node-0 … node-N-1).")
        var nodes = 0

        @Flag(help: "Replace key files that already exist.")
        var force = false

        func validate() throws {
            guard nodes >= 0 else { throw ValidationError("--nodes must not be negative") }
        }

        func run() throws {
            let names = ["coordinator"] + (0..<nodes).map { "node-\($0)" }
            let allowListPath = (out as NSString).appendingPathComponent("allow-list")
            if !force {
                let targets = names.flatMap { ["\($0).key", "\($0).pub"] }.map { (out as NSString).appendingPathComponent($0) }
                if let existing = (targets + [allowListPath]).first(where: FileManager.default.fileExists(atPath:)) {
                    throw ValidationError("\(existing) already exists; pass --force to replace keys")
                }
            }
            try FileManager.default.createDirectory(
                atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            var allowList = "# fedz allow-list: the node keys the coordinator accepts (<public key> <name>)\n"
            for name in names {
                let pair = try CurveKeyPair.generate()
                try pair.write(to: out, name: name)
                if name != "coordinator" { allowList += "\(pair.publicKey) \(name)\n" }
            }
            try allowList.write(toFile: allowListPath, atomically: true, encoding: .utf8)
        }
    }
}
