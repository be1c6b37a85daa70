/// How a next-token model reads text into the token ids its embedding takes — part of its
/// definition, so that every node turns its own text into the same ids: `bytes` (UTF-8 bytes,
/// 256 ids), `characters` (each character's position in `alphabet`), or `words` (lowercased runs
/// of letters, digits and apostrophes, hashed with 64-bit FNV-1a into the vocabulary's buckets:
/// no word list needs sharing, at the price of rare collisions).
public enum TokenDefinition: Codable, Sendable, Equatable {
    case bytes
    case characters(alphabet: String)
    case words

    /// The names model files use.
    public static let kindNames = ["bytes", "characters", "words"]

    public var kindName: String {
        switch self {
        case .bytes: "bytes"
        case .characters: "characters"
        case .words: "words"
        }
    }

    /// Why these tokens cannot feed an embedding of `vocabulary` ids; nil when they can.
    func mismatch(vocabulary: Int) -> String? {
        switch self {
        case .bytes:
            return vocabulary == 256 ? nil : "bytes tokens need an embedding of 256 ids, not \(vocabulary)"
        case .characters(let alphabet):
            let scalars = Array(alphabet.unicodeScalars)
            guard Set(scalars).count == scalars.count else { return "the alphabet lists a character twice" }
            return scalars.count == vocabulary ? nil : "an alphabet of \(scalars.count) characters needs an embedding of as many ids, not \(vocabulary)"
        case .words:
            return vocabulary >= 2 ? nil : "words tokens need an embedding of at least 2 ids"
        }
    }
}
