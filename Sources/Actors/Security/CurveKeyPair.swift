import CZMQ

/// A CurveZMQ long-term key pair as Z85 text (40 characters each). Generating and deriving keys
/// are pure libzmq/libsodium computations (microseconds, no context, no socket, never blocking).
public struct CurveKeyPair: Sendable, Hashable {
    /// Shared with peers (server key for clients, allow-list entry for servers).
    public let publicKey: String
    /// Never leaves the process or its 0600 key file.
    public let secretKey: String

    private init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A fresh random key pair (`zmq_curve_keypair`).
    public static func generate() throws(ZMQError) -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: Z85Key.length + 1)
        var secretText = [CChar](repeating: 0, count: Z85Key.length + 1)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else { throw ZMQError.last("zmq_curve_keypair") }
        return CurveKeyPair(publicKey: String(nulTerminated: publicText), secretKey: String(nulTerminated: secretText))
    }

    /// The pair of `secretKey`, its public key derived with `zmq_curve_public`; `source` names
    /// where the key came from in errors.
    public init(secretKey: String, source: String = "secret key") throws(CurveKeyError) {
        if let problem = Z85Key.problem(with: secretKey) { throw CurveKeyError(source: source, reason: problem) }
        var publicText = [CChar](repeating: 0, count: Z85Key.length + 1)
        guard zmq_curve_public(&publicText, secretKey) == 0 else {
            throw CurveKeyError(source: source, reason: .system(operation: "zmq_curve_public", code: zmq_errno()))
        }
        self.init(publicKey: String(nulTerminated: publicText), secretKey: secretKey)
    }

    /// Checks that `key` is a 40-character Z85 public key; `source` names it in the error.
    public static func validatePublicKey(_ key: String, source: String = "public key") throws(CurveKeyError) {
        if let problem = Z85Key.problem(with: key) { throw CurveKeyError(source: source, reason: problem) }
    }
}

extension CurveKeyPair: CustomStringConvertible {
    /// Shows the public key only, so that logging a key pair never leaks the secret.
    public var description: String { "CurveKeyPair(public: \(publicKey))" }
}
