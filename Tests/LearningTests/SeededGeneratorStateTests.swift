import Testing

@testable import Learning

@Suite struct SeededGeneratorStateTests {
    @Test func resumingFromAStateContinuesTheSequence() throws {
        var original = SeededGenerator(seed: 42)
        for _ in 0..<10 { _ = original.next() }
        var resumed = try #require(SeededGenerator(state: original.state))
        #expect((0..<100).map { _ in original.next() } == (0..<100).map { _ in resumed.next() })
    }

    @Test func malformedStatesAreRefused() {
        #expect(SeededGenerator(state: [1, 2, 3]) == nil)
        #expect(SeededGenerator(state: [0, 0, 0, 0]) == nil)
    }
}
