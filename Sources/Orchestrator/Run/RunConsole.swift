import Foundation

/// What `fedz run` writes while its cluster runs. On a terminal, a live progress line
/// during each round (clients answered / sampled, elapsed, ETA) is redrawn in place and
/// replaced by the next event's line; piped, progress is a plain line at most every
/// `plainInterval` seconds of a round. Pure: it returns the text to write.
struct RunConsole {
    /// The run's round budget.
    let rounds: Int
    /// Whether standard output is a terminal.
    let live: Bool
    var plainInterval = 5.0
    private(set) var roundSeconds: [Double] = []
    private var showing = false
    private var lastPlain: (round: Int, elapsed: Double)?

    private static let clearLine = "\r\u{1B}[2K"

    init(rounds: Int, live: Bool) {
        self.rounds = rounds
        self.live = live
    }

    /// The text for a progress event, or nil when nothing is to be written now.
    mutating func progress(round: Int, answered: Int, sampled: Int, elapsed: Double) -> String? {
        let eta = eta(round: round, answered: answered, sampled: sampled, elapsed: elapsed).map { "  ETA \(Self.duration($0))" }
        let text = String(format: "round %3d/%d  %d/%d clients answered  %@", round, rounds, answered, sampled, Self.duration(elapsed))
            + (eta ?? "")
        if live {
            showing = true
            return Self.clearLine + text
        }
        if let last = lastPlain, last.round == round, elapsed - last.elapsed < plainInterval { return nil }
        if lastPlain == nil || lastPlain?.round != round, elapsed < plainInterval { return nil }
        lastPlain = (round, elapsed)
        return text + "\n"
    }

    /// The text for one finished line (a round, an alert, …), replacing a live progress line.
    mutating func line(_ text: String) -> String {
        defer { showing = false }
        return (showing ? Self.clearLine : "") + text + "\n"
    }

    mutating func roundFinished(seconds: Double) {
        roundSeconds.append(seconds)
    }

    /// Seconds until the last round ends: the mean finished round's length (or, before one
    /// finished, this round's pace so far) for what remains of this round and every later one.
    func eta(round: Int, answered: Int, sampled: Int, elapsed: Double) -> Double? {
        let perRound: Double
        if !roundSeconds.isEmpty {
            perRound = roundSeconds.reduce(0, +) / Double(roundSeconds.count)
        } else if answered > 0 {
            perRound = elapsed * Double(sampled) / Double(answered)
        } else {
            return nil
        }
        return max(perRound - elapsed, 0) + Double(max(rounds - round, 0)) * perRound
    }

    /// `4.2 s`, `3m 05s`, `1h 02m`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        if whole < 3600 { return String(format: "%dm %02ds", whole / 60, whole % 60) }
        return String(format: "%dh %02dm", whole / 3600, whole % 3600 / 60)
    }
}
