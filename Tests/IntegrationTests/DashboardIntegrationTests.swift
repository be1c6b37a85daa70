import Foundation
import Testing

/// The dashboard in a real browser: `deploy/dashboard-check.sh` runs 3 rounds, opens the page
/// in headless Chromium and compares the chart's points with the rounds the run printed.
@Suite(.serialized, .timeLimit(.minutes(6)))
struct DashboardIntegrationTests {
    @Test func headlessChromiumSeesOneChartPointPerRound() async throws {
        try #require(
            MetricsIntegrationTests.which("chromium") != nil,
            "chromium is not installed: deploy/install-deps.sh installs it (Debian package chromium)")
        let scripts = try ScriptRunner(label: "dashboard")
        let screenshot = scripts.workDirectory.appendingPathComponent("dashboard.png")
        let result = try scripts.run(
            "dashboard-check.sh", [scripts.binDirectory.path, screenshot.path], timeout: .seconds(300))
        #expect(result.status == 0, "\(result.output)")
        let line = try #require(result.output.split(separator: "\n").last { $0.hasPrefix("{") }, "\(result.output)")
        let read = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(read["rounds"] as? [Int] == [1, 2, 3], "\(read)")
        let accuracy = try #require(read["test_accuracy"] as? [Double])
        let printed = try #require(read["printed_accuracy_percent"] as? [Double])
        #expect(accuracy.map { ($0 * 10_000).rounded() } == printed.map { ($0 * 100).rounded() })
        #expect((read["test_loss"] as? [Double])?.count == 3)
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000, "a PNG screenshot of \(png.count) bytes")
    }
}
