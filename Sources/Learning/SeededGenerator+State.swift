extension SeededGenerator {
    /// The generator's whole state, to checkpoint it; `init(state:)` resumes the sequence.
    public var state: [UInt64] { [words.0, words.1, words.2, words.3] }

    /// Resumes a generator from a checkpointed `state` (four words); nil if malformed.
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        self.init(seed: 0)
        words = (state[0], state[1], state[2], state[3])
    }
}
