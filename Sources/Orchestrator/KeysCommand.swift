import ArgumentParser
import CommandSupport

/// `fedz keys`: CurveZMQ key pairs for encrypted, allow-listed transport.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage CurveZMQ key pairs.", subcommands: [Generate.self])

    /// `fedz keys generate`: synchronous on purpose, so that the libzmq key generation runs on the
    /// main thread rather than on Swift's cooperative pool.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write coordinator, monitor and node key pairs and an allow-list of the monitor and node keys.",
            discussion: """
                Writes coordinator.key/.pub, monitor.key/.pub, node-0.key/.pub … node-(N-1).key/.pub \
                (secret keys mode 0600) and allow-list (one public key and name a line) into --out, \
                which is created with mode 0700 if missing.
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
            try KeyStore(directory: out).generate(nodes: nodes, force: force)
        }
    }
}
