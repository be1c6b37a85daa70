import ArgumentParser
import Foundation
import ModelOps

/// `fedz bench drift`: the drift detectors on seeded synthetic streams.
struct DriftBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Run the drift detectors on seeded synthetic streams and print JSON.",
        discussion: """
            Prints {"settings":{"page_hinkley","ddm","adwin"}, "streams":[{"name","seed",\
            "change_point","values"}], "outcomes":[{"detector","stream","seed","false_alarms","delay"}]}: \
            the detectors' default settings, every stream's values, and each detector's false alarms \
            before the change point and delay (changed values read up to its first drift signal; \
            absent if missed). bench/drift_compare.py feeds the same values to river.
            """)

    @Option(help: "Seeds 1…N: each stream family is drawn once per seed.")
    var seeds: UInt64 = 20

    @Option(help: "Write the JSON to this file instead of standard output.")
    var out: String?

    func validate() throws {
        guard seeds > 0 else { throw ValidationError("--seeds must be positive") }
    }

    func run() throws {
        struct Settings: Encodable {
            var pageHinkley = PageHinkley.Configuration()
            var ddm = DDM.Configuration()
            var adwin = ADWIN.Configuration()
        }
        struct Report: Encodable {
            var settings = Settings()
            var streams: [SyntheticStream]
            var outcomes: [DetectionOutcome]
        }
        let streams = DriftBenchmark.streams(seeds: 1...seeds)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let json = try encoder.encode(Report(streams: streams, outcomes: DriftBenchmark.outcomes(on: streams)))
        if let out {
            try json.write(to: URL(fileURLWithPath: out), options: .atomic)
        } else {
            FileHandle.standardOutput.write(json)
        }
    }
}
