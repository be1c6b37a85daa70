import Actors
import ArgumentParser
import FedzProtocol

/// Transport security flags: CurveZMQ keys, or plain text only when asked for explicitly.
public struct SecurityOptions: ParsableArguments, Sendable {
    @Option(help: "Directory of CurveZMQ keys (see `fedz keys generate`): encrypts every socket and admits only allow-listed nodes.")
    public var keys: String?

    @Flag(help: "Send everything unencrypted and unauthenticated (tests and debugging only).")
    public var plaintext = false

    public init() {}

    public func validate() throws {
        guard (keys != nil) != plaintext else {
            throw ValidationError("choose transport security: --keys DIR, or --plaintext explicitly")
        }
    }

    /// The key store, or nil in plain-text mode.
    public var store: KeyStore? { keys.map(KeyStore.init(directory:)) }

    /// These options as command-line arguments, to hand them on to a child process.
    public var arguments: [String] { keys.map { ["--keys", $0] } ?? ["--plaintext"] }
}
