import ArgumentParser
import Foundation

extension ModelsCommand {
    /// `fedz models render V --out FILE.svg`: a prototype model's map as an image grid.
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a som or competitive version's prototypes as an SVG image grid.")

        @Argument(help: "Version number (default: the latest).")
        var version: Int?

        @Option(help: "SVG file to write.")
        var out: String

        @OptionGroup var state: StateOptions

        func run() throws {
            let registry = try state.registry()
            guard let number = try version ?? registry.versions().last?.number else {
                throw FedzError("no model version in \(state.stateDir)")
            }
            let image = try PrototypeGridSVG.render(
                architecture: registry.version(number).architecture, weights: registry.weights(of: number))
            try Data(image.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            print("version \(number)'s prototypes drawn to \(out)")
        }
    }
}
