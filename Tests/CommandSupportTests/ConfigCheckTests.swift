import ArgumentParser
import Testing

@testable import CommandSupport

/// A command shaped like the fedz ones, to check files against.
struct SampleCommand: ConfigurableCommand {
    static let configSection = "coordinator"

    @Option var rounds = 20
    @Option var lr = 0.05
    @Option var tag: [String] = []
    @Option var id: String
    @Flag var plaintext = false
    @OptionGroup var config: ConfigOptions

    func validate() throws {
        guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
    }
}

@Suite struct ConfigCheckTests {
    @Test func argumentParserKeepsTheLastValueOfARepeatedOptionAndAcceptsARepeatedFlag() throws {
        let command = try SampleCommand.parse(["--id", "a", "--rounds", "3", "--plaintext", "--rounds", "5", "--plaintext", "--id", "b"])
        #expect(command.rounds == 5)
        #expect(command.id == "b")
        #expect(command.plaintext)
    }

    @Test func theCatalogComesFromTheCommandsOwnFlags() {
        let catalog = ArgumentCatalog(SampleCommand.self)
        #expect(catalog.arguments == [
            "rounds": .option(repeating: false), "lr": .option(repeating: false), "tag": .option(repeating: true),
            "id": .option(repeating: false), "plaintext": .flag,
        ])
    }

    @Test func fileArgumentsComeFirstSoThatFlagsOverrideThem() throws {
        let file = try ConfigFile(text: "rounds = 3\n[coordinator]\nplaintext = true\ntag = [\"x\", \"y\"]\n", path: "f.toml")
        let expansion = ConfigCheck.arguments(SampleCommand.self, file: file)
        #expect(expansion.problems.isEmpty)
        #expect(expansion.arguments == ["--rounds", "3", "--plaintext", "--tag", "x", "--tag", "y"])
        let command = try SampleCommand.parse(expansion.arguments + ["--id", "n", "--rounds", "9"])
        #expect(command.rounds == 9)
        #expect(command.tag == ["x", "y"])
    }

    @Test func unknownKeysAndWrongTypesAreProblemsWithTheirLines() throws {
        let text = """
            rounds = 3
            [coordinator]
            roundz = 4
            plaintext = "yes"
            lr = true
            id = ["a", "b"]
            """
        let report = ConfigCheck.report(SampleCommand.self, file: try ConfigFile(text: text, path: "f.toml"), commandLine: ["--id", "n"])
        #expect(report.problems.map(\.line) == [3, 4, 5, 6])
        #expect(report.problems.map(\.key) == ["roundz", "plaintext", "lr", "id"])
        #expect(report.problems[0].description == "f.toml:3: [coordinator] roundz: unknown key (not an option of this command)")
        #expect(report.knownSharedKeys == ["rounds"])
    }

    @Test func valuesTheParserRejectsAreBlamedOnTheirKeys() throws {
        let text = "[coordinator]\nid = \"n\"\nrounds = \"many\"\nlr = \"fast\"\n"
        let report = ConfigCheck.report(SampleCommand.self, file: try ConfigFile(text: text, path: "f.toml"))
        #expect(report.problems.map(\.key) == ["rounds", "lr"])
        #expect(report.problems.map(\.line) == [3, 4])
        #expect(report.problems[0].message.contains("many"))
    }

    @Test func validationErrorsAreBlamedOnTheKeyTheyName() throws {
        let report = ConfigCheck.report(SampleCommand.self, file: try ConfigFile(text: "\nrounds = 0\n", path: "f.toml"), commandLine: ["--id", "n"])
        #expect(report.problems.map(\.line) == [2])
        #expect(report.problems.first?.message == "--rounds must be positive")
    }

    @Test func aMissingRequiredOptionHasNoLine() throws {
        let report = ConfigCheck.report(SampleCommand.self, file: try ConfigFile(text: "rounds = 2\n", path: "f.toml"))
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.line == nil)
        #expect(report.problems.first?.message.contains("--id") == true)
    }

    @Test func blameGoesToWholeFlagNamesOnly() {
        let entries = [
            ConfigEntry(section: nil, key: "heartbeat", value: .scalar("1"), line: 1),
            ConfigEntry(section: nil, key: "heartbeat-interval", value: .scalar("x"), line: 2),
        ]
        #expect(ConfigCheck.blamed("The value 'x' is invalid for '--heartbeat-interval <s>'", among: entries) == 1)
        #expect(ConfigCheck.blamed("nothing named", among: entries) == nil)
    }
}

@Suite struct ConfiguredMainTests {
    struct Root: ParsableCommand {
        static let configuration = CommandConfiguration(
            subcommands: [SampleCommand.self, Other.self], defaultSubcommand: SampleCommand.self)
    }

    struct Other: ParsableCommand {}

    @Test func findsTheConfigurableCommandAndWhereItsArgumentsStart() throws {
        let named = try #require(ConfiguredMain.target(Root.self, ["sample-command", "--config", "f"]))
        #expect(named.0 == SampleCommand.self && named.1 == 1)
        let byDefault = try #require(ConfiguredMain.target(Root.self, ["--config", "f"]))
        #expect(byDefault.0 == SampleCommand.self && byDefault.1 == 0)
        #expect(ConfiguredMain.target(Root.self, ["other"]) == nil)
        #expect(ConfiguredMain.target(SampleCommand.self, [])?.1 == 0)
    }

    @Test func readsTheConfigPathInEitherSpelling() {
        #expect(ConfiguredMain.configPath(["run", "--config", "a.toml"]) == "a.toml")
        #expect(ConfiguredMain.configPath(["--config=b.toml"]) == "b.toml")
        #expect(ConfiguredMain.configPath(["--", "--config", "c"]) == nil)
    }
}
