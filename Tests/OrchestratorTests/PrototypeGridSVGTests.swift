import Foundation
import Learning
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import Orchestrator

@Suite struct PrototypeGridSVGTests {
    @Test func drawsEachUnitInItsGridPlaceWithTheLargestValueDarkest() throws {
        // 1×2 units of 2×2 pixels: unit 0 has one full pixel (top left), unit 1 one half pixel (bottom right).
        let svg = PrototypeGridSVG.render(prototypes: [1, 0, 0, 0, 0, 0, 0, 0.5], rows: 1, columns: 2, height: 2, width: 2, pixel: 3)
        #expect(XMLParser(data: Data(svg.utf8)).parse(), "well-formed XML")
        #expect(svg.contains("width=\"18\" height=\"10\""), "2 units of 6 px plus 2 px gaps: \(svg)")
        #expect(svg.contains("<path fill=\"rgb(0,0,0)\" d=\"M2 2h3v3h-3z\"/>"), "the largest value, black, top left of unit 0")
        #expect(svg.contains("<path fill=\"rgb(119,119,119)\" d=\"M13 5h3v3h-3z\"/>"), "level 8 of 15, bottom right of unit 1")
        #expect(svg.components(separatedBy: "<path").count == 3, "zeros are left white")
    }

    @Test func drawsAStoredSOMAndRefusesOtherModels() throws {
        let som = try ModelZoo.learner("som", seed: 1)
        let svg = try PrototypeGridSVG.render(architecture: "som", weights: som.parameters())
        #expect(svg.components(separatedBy: "fill=\"#fff\"").count == 101, "a white square per unit of the 10×10 map")
        #expect(throws: FedzError.self) { try PrototypeGridSVG.render(architecture: "mlp", weights: som.parameters()) }
        #expect(throws: FedzError.self) { try PrototypeGridSVG.render(architecture: "som", weights: [Tensor(zeros: [3])]) }
    }
}
