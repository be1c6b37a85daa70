import ArgumentParser

/// A command that takes `--config FILE`: the shared keys it knows and its own table.
public protocol ConfigurableCommand: ParsableCommand {
    /// Its table in a configuration file (`run`, `coordinator`, `monitor`, `node`).
    static var configSection: String { get }
}

/// The `--config` option of every configurable command. `ConfiguredMain` reads the file
/// before parsing, so these values are only here to be documented and accepted.
public struct ConfigOptions: ParsableArguments, Sendable {
    @Option(help: "A TOML file of options: its top-level keys and this command's table, keyed by long flag name; flags override it.")
    public var config: String?

    @Flag(help: .private)
    public var checkConfig = false

    public init() {}
}
