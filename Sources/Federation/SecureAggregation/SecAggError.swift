/// Why a secure-aggregation message, request or reconstruction was refused.
public struct SecAggError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A reason class, usable as a counter key.
    public enum Kind: String, Sendable, Codable {
        /// The round's parameters are inconsistent.
        case invalidConfig = "invalid_config"
        /// The message belongs to another stage than the current one (late or early).
        case wrongStage = "wrong_stage"
        /// The message belongs to another round.
        case wrongRound = "wrong_round"
        /// The sender or an addressee is not a live participant where it should be.
        case unknownParticipant = "unknown_participant"
        /// The sender already sent this stage's message.
        case duplicate
        /// Wrong lengths, missing or extra entries.
        case malformed
        /// A public key that cannot be used for key agreement.
        case badKey = "bad_key"
        /// A share ciphertext failed authentication or decryption.
        case undecryptableShare = "undecryptable_share"
        /// Fewer live neighbours or shares than the threshold.
        case tooFewShares = "too_few_shares"
        /// A request that would reveal more than the protocol allows.
        case inconsistentRequest = "inconsistent_request"
    }

    public var kind: Kind
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue): \(detail)" }
}
