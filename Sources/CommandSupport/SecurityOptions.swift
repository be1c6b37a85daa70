import Actors
import ArgumentParser
import FedzProtocol
import Logging

/// Transport security flags: CurveZMQ keys, or plain text only when asked for explicitly.
public struct SecurityOptions: ParsableArguments, Sendable {
    @Option(help: "Directory of CurveZMQ keys (see `fedz keys generate`): encrypts every socket and admits only allow-listed nodes.")
    public var keys: String?

    @Flag(help: "Send everything unencrypted and unauthenticated (tests and debugging only; binds loopback addresses only).")
    public var plaintext = false

    @Flag(help: "With --plaintext, also bind addresses other than loopback: anyone who reaches them can join, read the model and pose as any node.")
    public var plaintextOnNetwork = false

    public init() {}

    public func validate() throws {
        guard (keys != nil) != plaintext else {
            throw ValidationError("choose transport security: --keys DIR, or --plaintext explicitly")
        }
        if plaintextOnNetwork && !plaintext { throw ValidationError("--plaintext-on-network goes with --plaintext") }
    }

    /// Refuses, in plain text, to bind `endpoints` that other machines can reach, unless
    /// `--plaintext-on-network` says so.
    public func checkBinds(_ endpoints: [String]) throws {
        guard plaintext, !plaintextOnNetwork else { return }
        if let exposed = endpoints.first(where: { !Self.isLocal($0) }) {
            throw ValidationError(
                "--plaintext binds loopback addresses only, not \(exposed): use --keys, a 127.0.0.1 endpoint, "
                    + "or --plaintext-on-network if unauthenticated access from the network is really wanted")
        }
    }

    /// Says at start-up, in plain text, that nothing is encrypted or authenticated.
    public func warnIfPlaintext(_ logger: Logger) {
        guard plaintext else { return }
        logger.warning("plain text: messages are neither encrypted nor authenticated, and any peer may use any node id")
    }

    /// The endpoint a socket binds when none is given: every interface, or only loopback in
    /// plain text (unless `--plaintext-on-network`).
    public func defaultBind(port: Int) -> String {
        plaintext && !plaintextOnNetwork ? "tcp://127.0.0.1:\(port)" : "tcp://*:\(port)"
    }

    /// Whether only this machine can reach `endpoint`: ipc, inproc, or TCP on a loopback address.
    static func isLocal(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://") else { return false }
        let address = endpoint.dropFirst("tcp://".count)
        guard let colon = address.lastIndex(of: ":") else { return false }
        let host = address[..<colon]
        return host == "localhost" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// The key store, or nil in plain-text mode.
    public var store: KeyStore? { keys.map(KeyStore.init(directory:)) }

    /// These options as command-line arguments, to hand them on to a child process.
    public var arguments: [String] {
        keys.map { ["--keys", $0] } ?? (["--plaintext"] + (plaintextOnNetwork ? ["--plaintext-on-network"] : []))
    }
}
