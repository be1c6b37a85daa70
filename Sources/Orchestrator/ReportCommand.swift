import ArgumentParser
import Foundation

/// `fedz report`: draws a `fedz run --summary` file as an SVG chart.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Draw test accuracy and loss per round, drift alerts and promotions from a run summary as SVG.")

    @Argument(help: "A summary written by `fedz run --summary`.")
    var summary: String

    @Option(help: "The SVG file to write.")
    var out = "report.svg"

    func run() throws {
        let chart = try SummaryFile(contentsOf: summary).chart
        try chart.svg().write(toFile: out, atomically: true, encoding: .utf8)
        print("report written to \(out): \(chart.points.count) rounds, \(chart.marks.count) mark(s)")
    }
}
