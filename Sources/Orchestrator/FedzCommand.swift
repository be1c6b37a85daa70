import ArgumentParser

/// `fedz`: the coordinator, the local cluster launcher and the tools around them.
@main
struct FedzCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fedz",
        abstract: "Federated learning on Swift actors and ZeroMQ.",
        subcommands: [RunCommand.self, CoordinatorCommand.self, MonitorCommand.self, KeysCommand.self, ModelsCommand.self, BenchCommand.self,
                      ReportCommand.self, ConfigCommand.self],
        defaultSubcommand: RunCommand.self)
}
