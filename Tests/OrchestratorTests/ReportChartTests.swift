import Federation
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import Orchestrator

@Suite struct ReportChartTests {
    static func summary(rounds: Int = 6, alertTime: Double = 1_000_035, finishedAt: Bool = true) -> Data {
        let rows = (1...rounds).map { round in
            """
            {"round":\(round),"model_version":\(round),"participants":10,"sampled":10,"train_loss":\(2.0 / Double(round)),\
            "test_loss":\(1.8 / Double(round)),"test_accuracy":\(0.5 + 0.07 * Double(round)),"seconds":10\
            \(finishedAt ? ",\"finished_at\":\(1_000_000 + 10 * round)" : "")}
            """
        }
        return Data("""
            {"config":{"model":"mlp","dataset":"mnist","strategy":"fedavg","partition":"iid"},
             "rounds":[\(rows.joined(separator: ","))],"final_test_accuracy":0.92,
             "alerts":[{"id":4,"detector":"ddm","stream":"field","value":0.6,"baseline":0.9,"version":3,"state":"resolved",
                        "time":\(alertTime),"resolution":"version 5 promoted"}],
             "promotions":[{"version":2,"reason":"first"},{"version":5,"reason":"better"}],
             "production_version":5,"rejected":{},"seconds":70}
            """.utf8)
    }

    static func chart(_ data: Data = summary()) throws -> ReportChart {
        try JSONDecoder().decode(SummaryFile.self, from: data).chart
    }

    @Test func theSVGIsWellFormedXMLWithOnePointPerRoundPerSeries() throws {
        let elements = try XMLElements(try Self.chart().svg())
        #expect(elements.names.first == "svg")
        for series in ["accuracy", "test-loss", "train-loss"] {
            #expect(elements.classes.filter { $0 == "point \(series)" }.count == 6)
        }
    }

    @Test func theAxesAreLabelled() throws {
        let elements = try XMLElements(try Self.chart().svg())
        for label in ["round", "test accuracy (%)", "loss"] { #expect(elements.texts.contains(label)) }
        #expect(elements.texts.contains("fedz run: mlp · mnist · fedavg · iid"))
    }

    @Test func alertsAndPromotionsAreMarked() throws {
        let chart = try Self.chart()
        #expect(chart.marks == [
            .init(kind: .promotion, round: 2, label: "v2"), .init(kind: .promotion, round: 5, label: "v5"),
            .init(kind: .alert, round: 3.5, label: "alert 4"),
        ])
        let elements = try XMLElements(chart.svg())
        #expect(elements.classes.filter { $0 == "mark alert" }.count == 1)
        #expect(elements.classes.filter { $0 == "mark promotion" }.count == 2)
        #expect(elements.texts.contains("alert 4"))
    }

    @Test func alertsArePlacedBetweenTheRoundsThatFinishedAroundThem() throws {
        let file = try JSONDecoder().decode(SummaryFile.self, from: Self.summary())
        #expect(file.round(at: 999_000) == 1)
        #expect(file.round(at: 1_000_025) == 2.5)
        #expect(file.round(at: 2_000_000) == 6)
        let untimed = try JSONDecoder().decode(SummaryFile.self, from: Self.summary(finishedAt: false))
        #expect(untimed.round(at: 1_000_025) == 6)
    }

    @Test func aSingleRoundStillDrawsAPoint() throws {
        let elements = try XMLElements(try Self.chart(Self.summary(rounds: 1)).svg())
        #expect(elements.classes.filter { $0 == "point accuracy" }.count == 1)
    }

    @Test func axesHaveNiceBoundsAndTicks() {
        let axis = Axis.nice([51.3, 93.7], floor: 0, ceiling: 100)
        #expect(axis == Axis(low: 50, high: 100, step: 10))
        #expect(axis.ticks == [50, 60, 70, 80, 90, 100])
        #expect(Axis.nice([0, 0.23], floor: 0, ceiling: nil).step == 0.05)
        #expect(Axis.niceStep(0.4, integral: true) == 1)
        #expect(Axis.niceStep(13, integral: true) == 20)
    }
}

/// The element names, `class` attributes and text of an XML document, parsed by Foundation's XMLParser.
final class XMLElements: NSObject, XMLParserDelegate {
    private(set) var names: [String] = []
    private(set) var classes: [String] = []
    private(set) var texts: [String] = []
    private var text = ""

    init(_ document: String) throws {
        super.init()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = self
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.propertyListReadCorrupt) }
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        names.append(elementName)
        if let value = attributes["class"] { classes.append(value) }
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == "text" { texts.append(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
        text = ""
    }
}
