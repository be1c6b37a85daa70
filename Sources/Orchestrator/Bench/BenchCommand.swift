import ArgumentParser

/// `fedz bench …`: benchmarks that print machine-readable results.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run a benchmark; results are printed as JSON.", subcommands: [TrainBench.self, RecallBench.self, FuzzBench.self, DriftBench.self, BenchPaperCommand.self, ScaleBench.self, PrototypeBench.self])
}
