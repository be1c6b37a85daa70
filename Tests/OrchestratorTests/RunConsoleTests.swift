import Foundation
import Testing

@testable import Orchestrator

@Suite struct RunConsoleTests {
    @Test func onATerminalProgressIsRedrawnInPlaceAndClearedByTheNextLine() {
        var console = RunConsole(rounds: 10, live: true)
        let progress = console.progress(round: 1, answered: 2, sampled: 10, elapsed: 4)
        #expect(progress == "\r\u{1B}[2Kround   1/10  2/10 clients answered  4.0 s  ETA 3m 16s")
        #expect(console.line("round 1 done") == "\r\u{1B}[2Kround 1 done\n")
        #expect(console.line("next") == "next\n")
    }

    @Test func pipedProgressIsAPlainLineAtMostEveryInterval() {
        var console = RunConsole(rounds: 3, live: false)
        #expect(console.progress(round: 1, answered: 0, sampled: 4, elapsed: 0.5) == nil)
        #expect(console.progress(round: 1, answered: 2, sampled: 4, elapsed: 5.5) == "round   1/3  2/4 clients answered  5.5 s  ETA 27.5 s\n")
        #expect(console.progress(round: 1, answered: 2, sampled: 4, elapsed: 8) == nil)
        #expect(console.progress(round: 1, answered: 3, sampled: 4, elapsed: 10.6) != nil)
        #expect(console.progress(round: 2, answered: 0, sampled: 4, elapsed: 1) == nil)
        #expect(console.line("plain") == "plain\n")
    }

    @Test func theETAUsesTheMeanFinishedRound() {
        var console = RunConsole(rounds: 5, live: true)
        #expect(console.eta(round: 1, answered: 0, sampled: 10, elapsed: 3) == nil)
        console.roundFinished(seconds: 10)
        console.roundFinished(seconds: 20)
        #expect(console.eta(round: 3, answered: 0, sampled: 10, elapsed: 5) == 40.0)
        #expect(console.eta(round: 5, answered: 9, sampled: 10, elapsed: 40) == 0)
    }

    @Test func durationsRead() {
        #expect(RunConsole.duration(4.24) == "4.2 s")
        #expect(RunConsole.duration(185) == "3m 05s")
        #expect(RunConsole.duration(3720) == "1h 02m")
    }

    @Test func progressEventsRoundTrip() throws {
        let event = CoordinatorEvent.progress(round: 3, answered: 4, sampled: 10, elapsed: 1.5)
        let line = try JSONEncoder().encode(event)
        let object = try JSONSerialization.jsonObject(with: line) as? [String: Any]
        #expect(object?["event"] as? String == "progress")
        #expect(object?["answered"] as? Int == 4)
        guard case .progress(3, 4, 10, 1.5) = try JSONDecoder().decode(CoordinatorEvent.self, from: line) else {
            Issue.record("did not decode as progress")
            return
        }
    }
}
