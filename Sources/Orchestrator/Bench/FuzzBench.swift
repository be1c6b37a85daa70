import ArgumentParser
import Federation
import Foundation

/// `fedz bench fuzz`: feeds seeded mutations of valid messages to the wire decoder and
/// prints what happened as JSON. Any crash ends the process; a hang shows as a large
/// `slowestSeconds`.
struct FuzzBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz", abstract: "Fuzz the wire decoder with seeded mutations of valid messages.")

    @Option(help: "Number of fuzzed messages.")
    var inputs = 1_000_000

    @Option(help: "Seed of the mutations.")
    var seed: UInt64 = 1

    func run() throws {
        let clock = ContinuousClock()
        var report = WireFuzzing.Report()
        let elapsed = try clock.measure { report = try WireFuzzing.run(inputs: inputs, seed: seed) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = String(decoding: try encoder.encode(report), as: UTF8.self)
        line.removeLast()
        print(line + ",\"bench\":\"fuzz\",\"seed\":\(seed),\"seconds\":\(elapsed.seconds)}")
    }
}
