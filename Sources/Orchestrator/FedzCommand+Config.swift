import CommandSupport

/// `fedz` expands `--config FILE` before parsing (see `ConfiguredMain`).
extension FedzCommand {
    static func main() async { await ConfiguredMain.run(Self.self) }
}

extension RunCommand: ConfigurableCommand { static let configSection = "run" }
extension CoordinatorCommand: ConfigurableCommand { static let configSection = "coordinator" }
extension MonitorCommand: ConfigurableCommand { static let configSection = "monitor" }
