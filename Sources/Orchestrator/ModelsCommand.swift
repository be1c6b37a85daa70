import ArgumentParser
import Federation
import Foundation
import ModelOps

/// `fedz models`: the model registry of a state directory — lineage, aliases, export.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "Inspect the model registry and move the production alias.",
        subcommands: [List.self, Show.self, Promote.self, Rollback.self, Export.self, Render.self, Describe.self])

    /// Where the registry lives. The subcommands are synchronous on purpose: SQLite calls
    /// block, so they run on the main thread rather than on Swift's cooperative pool.
    struct StateOptions: ParsableArguments {
        @Option(help: "State directory holding registry.sqlite and artifacts/.")
        var stateDir = "state"

        /// The registry, which must exist already (these commands never create one).
        func registry() throws -> ModelRegistry {
            let directory = URL(fileURLWithPath: stateDir)
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("registry.sqlite").path) else {
                throw FedzError("no model registry in \(stateDir) (expected \(stateDir)/registry.sqlite)")
            }
            return try ModelRegistry.open(directory: directory)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every version with its lineage, accuracy and aliases.")

        @OptionGroup var state: StateOptions

        func run() throws {
            let registry = try state.registry()
            let aliases = try registry.aliases()
            print(row(["version", "parent", "round", "architecture", "strategy", "test acc", "field acc", "aliases"]))
            for version in try registry.versions() {
                let field = try registry.fieldAccuracy(of: version.number)
                print(row([
                    "\(version.number)", version.parent.map(String.init) ?? "-", "\(version.round)",
                    version.architecture, version.strategy, percent(version.metrics.testAccuracy),
                    percent(field?.overall.accuracy), names(of: version.number, in: aliases),
                ]))
            }
        }

        private func row(_ cells: [String]) -> String {
            let widths = [7, 6, 5, 12, 8, 8, 9]
            return zip(cells, widths + [0]).map { cell, width in
                cell.count >= width ? cell : String(repeating: " ", count: width - cell.count) + cell
            }.joined(separator: "  ")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one version in full.")

        @Argument(help: "Version number.")
        var version: Int

        @OptionGroup var state: StateOptions

        func run() throws {
            let registry = try state.registry()
            let model = try registry.version(version)
            let children = try registry.versions().filter { $0.parent == version }.map { String($0.number) }
            print("""
                version       \(model.number)
                parent        \(model.parent.map(String.init) ?? "-")
                children      \(children.isEmpty ? "-" : children.joined(separator: ", "))
                round         \(model.round)
                architecture  \(model.architecture)
                strategy      \(model.strategy)
                aliases       \(names(of: version, in: try registry.aliases()))
                registered    \(model.registeredAt.formatted(.iso8601))
                sha256        \(model.hash)
                test accuracy \(percent(model.metrics.testAccuracy))
                loss          \(model.metrics.loss.map { String(format: "%.4f", $0) } ?? "-")
                participants  \(model.metrics.participants.map(String.init) ?? "-")
                config        \(model.config)
                """)
            guard let field = try registry.fieldAccuracy(of: version) else { return print("field         no reports") }
            print("field         \(share(field.overall))")
            for (node, nodeShare) in field.nodes.sorted(by: { $0.key < $1.key }) {
                print("  \(node)  \(share(nodeShare))")
            }
        }

        private func share(_ share: FieldAccuracy.Share) -> String {
            "\(percent(share.accuracy)) over \(share.samples) samples in \(share.reports) reports, "
                + "latest \(share.latest.formatted(.iso8601))"
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a version production.")

        @Argument(help: "Version number.")
        var version: Int

        @Option(help: "Why, for the alias history.")
        var reason = "promoted from the command line"

        @OptionGroup var state: StateOptions

        @OptionGroup var live: LiveCoordinatorOptions

        func run() async throws {
            if let endpoint = live.coordinatorControl {
                let change = ProductionChange(request: UInt64.random(in: 1...UInt64.max), action: .promote, version: version, reason: reason)
                return print(try await live.request(change, at: endpoint).line())
            }
            let move = try state.registry().promote(version, reason: reason, by: "cli")
            print("production: \(move.previous.map(String.init) ?? "unset") -> \(version)")
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Return production to the version it had before the current one.")

        @Option(help: "Why, for the alias history.")
        var reason = "rolled back from the command line"

        @OptionGroup var state: StateOptions

        @OptionGroup var live: LiveCoordinatorOptions

        func run() async throws {
            if let endpoint = live.coordinatorControl {
                let change = ProductionChange(request: UInt64.random(in: 1...UInt64.max), action: .rollback, reason: reason)
                return print(try await live.request(change, at: endpoint).line())
            }
            let move = try state.registry().rollback(reason: reason, by: "cli")
            print("production: \(move.previous.map(String.init) ?? "unset") -> \(move.version.map(String.init) ?? "unset")")
        }
    }
}

private func percent(_ value: Double?) -> String {
    value.map { String(format: "%.2f %%", 100 * $0) } ?? "-"
}

private func names(of version: Int, in aliases: [ModelAlias: Int]) -> String {
    let names = ModelAlias.allCases.filter { aliases[$0] == version }.map(\.rawValue)
    return names.isEmpty ? "-" : names.joined(separator: ", ")
}
