/// Seeded mutations of valid messages, for fuzzing the decoder: every input it makes
/// must be decoded or rejected with a reason — never crash, never hang.
public struct WireMutator<Generator: RandomNumberGenerator> {
    private var generator: Generator
    private let corpus: [[[UInt8]]]

    /// Mutates messages drawn from `corpus` (encoded valid messages).
    public init(corpus: [[[UInt8]]], generator: Generator) {
        precondition(!corpus.isEmpty, "WireMutator needs at least one message to mutate")
        self.corpus = corpus
        self.generator = generator
    }

    /// The next fuzzed message: a corpus message with one to four mutations applied.
    public mutating func next() -> [[UInt8]] {
        var frames = corpus[Int.random(in: 0..<corpus.count, using: &generator)]
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            mutate(&frames)
        }
        return frames
    }

    private mutating func mutate(_ frames: inout [[UInt8]]) {
        guard !frames.isEmpty else {
            frames = [randomBytes(Int.random(in: 0...64, using: &generator))]
            return
        }
        let index = Int.random(in: 0..<frames.count, using: &generator)
        switch Int.random(in: 0..<9, using: &generator) {
        case 0:  // flip bits
            if !frames[index].isEmpty {
                let position = Int.random(in: 0..<frames[index].count, using: &generator)
                frames[index][position] ^= UInt8.random(in: 1...255, using: &generator)
            }
        case 1:  // truncate
            frames[index].removeLast(Int.random(in: 0...frames[index].count, using: &generator))
        case 2:  // append junk
            frames[index] += randomBytes(Int.random(in: 1...16, using: &generator))
        case 3:  // drop a frame
            frames.remove(at: index)
        case 4:  // duplicate a frame
            frames.insert(frames[index], at: index)
        case 5:  // replace a frame with random bytes
            frames[index] = randomBytes(Int.random(in: 0...128, using: &generator))
        case 6:  // swap two frames
            frames.swapAt(index, Int.random(in: 0..<frames.count, using: &generator))
        case 7:  // overwrite a JSON number or string with an extreme value
            frames[index] = replacingToken(in: frames[index])
        default:  // splice in a frame from another message
            let other = corpus[Int.random(in: 0..<corpus.count, using: &generator)]
            if !other.isEmpty { frames[index] = other[Int.random(in: 0..<other.count, using: &generator)] }
        }
    }

    private mutating func replacingToken(in frame: [UInt8]) -> [UInt8] {
        let replacements = ["-1", "0", "1e308", "99999999999999999999", "null", "\"\"", "[]", "{}", "true", "NaN"]
        let text = String(decoding: frame, as: UTF8.self)
        let digits = text.indices.filter { text[$0].isNumber }
        guard let position = digits.randomElement(using: &generator) else { return frame }
        var end = position
        while end < text.endIndex, text[end].isNumber || text[end] == "." { end = text.index(after: end) }
        let replacement = replacements[Int.random(in: 0..<replacements.count, using: &generator)]
        return Array((text[..<position] + replacement + text[end...]).utf8)
    }

    private mutating func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
