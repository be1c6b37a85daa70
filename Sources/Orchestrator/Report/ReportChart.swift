import Foundation

/// A two-panel SVG chart of a run: test accuracy per round above, train and test loss
/// below, on a shared round axis, with drift alerts and promotions as vertical marks.
/// Pure: the same input gives the same text.
struct ReportChart {
    struct Point: Equatable {
        var round: Int
        var testAccuracy: Double
        var testLoss: Double
        var trainLoss: Double
    }

    struct Mark: Equatable {
        enum Kind: String { case alert, promotion }
        var kind: Kind
        /// Position on the round axis (fractional between two rounds).
        var round: Double
        var label: String
    }

    var title: String
    var subtitle: String
    var points: [Point]
    var marks: [Mark]

    static let width = 900.0
    static let height = 640.0
    private static let left = 80.0
    private static let right = 30.0
    private static let accuracyPanel = (top: 135.0, bottom: 345.0)
    private static let lossPanel = (top: 385.0, bottom: 580.0)
    private static let colors = (
        accuracy: "#1f77b4", testLoss: "#d62728", trainLoss: "#ff7f0e", alert: "#c0392b", promotion: "#2e8b57")

    /// The chart as a standalone SVG document.
    func svg() -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(Self.width))" height="\(Int(Self.height))" \
            viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(Self.left)" y="28" font-size="17" font-weight="bold">\(escape(title))</text>
            <text x="\(Self.left)" y="48" fill="#555">\(escape(subtitle))</text>

            """
        out += legend()
        let accuracy = Axis.nice(points.map { $0.testAccuracy * 100 }, floor: 0, ceiling: 100)
        let loss = Axis.nice(points.flatMap { [$0.testLoss, $0.trainLoss] } + [0], floor: 0, ceiling: nil)
        out += panel(Self.accuracyPanel, axis: accuracy, label: "test accuracy (%)", xLabels: false)
        out += panel(Self.lossPanel, axis: loss, label: "loss", xLabels: true)
        out += series("accuracy", color: Self.colors.accuracy, dashed: false, Self.accuracyPanel, accuracy) { $0.testAccuracy * 100 }
        out += series("train-loss", color: Self.colors.trainLoss, dashed: true, Self.lossPanel, loss) { $0.trainLoss }
        out += series("test-loss", color: Self.colors.testLoss, dashed: false, Self.lossPanel, loss) { $0.testLoss }
        out += zip(marks, labelRows).map(mark).joined()
        out += """
            <text x="\(format((Self.left + Self.width - Self.right) / 2))" y="\(format(Self.lossPanel.bottom + 42))" \
            text-anchor="middle" class="axis-label">round</text>
            </svg>

            """
        return out
    }

    // MARK: - Pieces

    private func legend() -> String {
        let entries: [(String, String, Bool)] = [
            ("test accuracy", Self.colors.accuracy, false), ("test loss", Self.colors.testLoss, false),
            ("train loss", Self.colors.trainLoss, true), ("drift alert", Self.colors.alert, true),
            ("promotion", Self.colors.promotion, true),
        ]
        return entries.enumerated().map { index, entry in
            let x = Self.left + Double(index) * 150
            return """
                <line x1="\(format(x))" y1="72" x2="\(format(x + 24))" y2="72" stroke="\(entry.1)" stroke-width="2.5"\
                \(entry.2 ? " stroke-dasharray=\"5 3\"" : "")/>
                <text x="\(format(x + 30))" y="76">\(entry.0)</text>

                """
        }.joined()
    }

    /// A panel's frame, horizontal grid lines with y tick labels, round ticks and the y axis label.
    private func panel(_ frame: (top: Double, bottom: Double), axis: Axis, label: String, xLabels: Bool) -> String {
        var out = "<g class=\"panel\">\n"
        for tick in axis.ticks {
            let y = axis.position(tick, top: frame.top, bottom: frame.bottom)
            out += "<line x1=\"\(Self.left)\" y1=\"\(format(y))\" x2=\"\(format(Self.width - Self.right))\" y2=\"\(format(y))\" stroke=\"#e3e3e3\"/>\n"
            out += "<text x=\"\(format(Self.left - 8))\" y=\"\(format(y + 4))\" text-anchor=\"end\" fill=\"#333\">\(axis.label(tick))</text>\n"
        }
        for round in roundTicks {
            let x = x(Double(round))
            out += "<line x1=\"\(format(x))\" y1=\"\(format(frame.bottom))\" x2=\"\(format(x))\" y2=\"\(format(frame.bottom + 5))\" stroke=\"#333\"/>\n"
            if xLabels {
                out += "<text x=\"\(format(x))\" y=\"\(format(frame.bottom + 19))\" text-anchor=\"middle\" fill=\"#333\">\(round)</text>\n"
            }
        }
        out += """
            <rect x="\(Self.left)" y="\(frame.top)" width="\(format(Self.width - Self.left - Self.right))" \
            height="\(format(frame.bottom - frame.top))" fill="none" stroke="#333"/>
            <text transform="translate(\(format(Self.left - 52)) \(format((frame.top + frame.bottom) / 2))) rotate(-90)" \
            text-anchor="middle" class="axis-label">\(label)</text>
            </g>

            """
        return out
    }

    /// One polyline with a circle per round.
    private func series(
        _ name: String, color: String, dashed: Bool, _ frame: (top: Double, bottom: Double), _ axis: Axis,
        value: (Point) -> Double
    ) -> String {
        let coordinates = points.map { (x(Double($0.round)), axis.position(value($0), top: frame.top, bottom: frame.bottom)) }
        let path = coordinates.map { "\(format($0.0)),\(format($0.1))" }.joined(separator: " ")
        var out = "<g class=\"series \(name)\">\n<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\""
            + (dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>\n"
        for ((cx, cy), point) in zip(coordinates, points) {
            out += "<circle class=\"point \(name)\" cx=\"\(format(cx))\" cy=\"\(format(cy))\" r=\"3\" fill=\"\(color)\">"
                + "<title>round \(point.round): \(String(format: "%.4f", value(point)))</title></circle>\n"
        }
        return out + "</g>\n"
    }

    /// A vertical line through both panels with its label above the accuracy panel, on `row`.
    private func mark(_ mark: Mark, row: Int) -> String {
        let alert = mark.kind == .alert
        let x = x(mark.round)
        let labelY = Self.accuracyPanel.top - 6 - Double(row) * 13
        return """
            <g class="mark \(mark.kind.rawValue)">
            <line x1="\(format(x))" y1="\(format(labelY + 2))" x2="\(format(x))" y2="\(format(Self.lossPanel.bottom))" \
            stroke="\(alert ? Self.colors.alert : Self.colors.promotion)" stroke-width="\(alert ? 2 : 1.2)" \
            stroke-dasharray="\(alert ? "6 3" : "3 3")" stroke-opacity="\(alert ? 1 : 0.7)"/>
            <text x="\(format(x + 3))" y="\(format(labelY))" fill="\(alert ? Self.colors.alert : Self.colors.promotion)" \
            font-size="11"\(alert ? " font-weight=\"bold\"" : "")>\(escape(mark.label))</text>
            </g>

            """
    }

    /// The label row (0 nearest the panel, at most 4 rows) of each mark: the lowest row
    /// whose labels so far end left of this one.
    private var labelRows: [Int] {
        var rowEnds = [Double](repeating: -.infinity, count: 4)
        var rows = [Int](repeating: 0, count: marks.count)
        for index in marks.indices.sorted(by: { marks[$0].round < marks[$1].round }) {
            let start = x(marks[index].round)
            let row = rowEnds.firstIndex { $0 < start } ?? rowEnds.indices.min { rowEnds[$0] < rowEnds[$1] } ?? 0
            rows[index] = row
            rowEnds[row] = start + 6.5 * Double(marks[index].label.count) + 8
        }
        return rows
    }

    // MARK: - Scales

    private var roundRange: (low: Double, high: Double) {
        let rounds = points.map { Double($0.round) } + marks.map(\.round)
        let low = rounds.min() ?? 1, high = rounds.max() ?? 1
        return high > low ? (low, high) : (low - 0.5, high + 0.5)
    }

    private func x(_ round: Double) -> Double {
        let (low, high) = roundRange
        let inset = 14.0
        let span = Self.width - Self.left - Self.right - 2 * inset
        return Self.left + inset + (round - low) / (high - low) * span
    }

    /// Integer rounds to tick: at most about 12, on a step of 1, 2, 5, 10, ….
    private var roundTicks: [Int] {
        let (low, high) = roundRange
        let first = Int(low.rounded(.up)), last = Int(high.rounded(.down))
        guard last >= first else { return [] }
        let step = Axis.niceStep(Double(last - first) / 12, integral: true)
        return stride(from: first, through: last, by: Int(step)).map { $0 }
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
