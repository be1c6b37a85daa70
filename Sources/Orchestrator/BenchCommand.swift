import ArgumentParser

/// `fedz bench`: benchmarks that print machine-readable results.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run benchmarks that print machine-readable results.",
        subcommands: [BenchPaperCommand.self])
}
