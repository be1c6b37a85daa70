import Testing

@testable import Orchestrator

@Suite struct CrashLoopTests {
    /// Whether `loop` restarts after each exit (name, time run, exited with an error), in order.
    static func restarts(_ loop: inout CrashLoop, _ exits: [(String, Duration, Bool)]) -> [Bool] {
        exits.map { loop.onExit($0.0, ran: $0.1, failed: $0.2) }
    }

    @Test func aProcessThatFailsAtStartAgainAndAgainIsGivenUpOn() {
        var loop = CrashLoop(settled: .seconds(60), limit: 3)
        let exits: [(String, Duration, Bool)] = [
            ("node-0", .seconds(1), true), ("node-0", .seconds(30), true), ("node-1", .seconds(1), true), ("node-0", .seconds(2), true),
        ]
        // Each process counts on its own: node-1's failure does not count against node-0.
        #expect(Self.restarts(&loop, exits) == [true, true, true, false])
    }

    @Test func aProcessKilledOrThatRanBeforeItDiedIsRestarted() {
        var loop = CrashLoop(settled: .seconds(60), limit: 2)
        // Killed by a signal, or failing after it had settled: its count starts again.
        let exits: [(String, Duration, Bool)] = [
            ("node-0", .seconds(1), true), ("node-0", .seconds(1), false), ("node-0", .seconds(1), true),
            ("node-0", .seconds(90), true), ("node-0", .seconds(1), true), ("node-0", .seconds(1), true),
        ]
        #expect(Self.restarts(&loop, exits) == [true, true, true, true, true, false])
    }
}
