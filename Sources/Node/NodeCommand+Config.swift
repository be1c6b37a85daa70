import CommandSupport

/// `fedz-node` expands `--config FILE` (its `[node]` table and shared keys) before parsing.
extension NodeCommand: ConfigurableCommand {
    static let configSection = "node"

    static func main() async { await ConfiguredMain.run(Self.self) }
}
