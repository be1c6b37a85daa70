import Foundation
import Logging
import Testing

@testable import Telemetry

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The HTTP endpoint for real, on a free loopback port.
struct TelemetryServerTests {
    func get(_ url: String) async throws -> (body: String, status: Int, type: String?) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        let http = response as? HTTPURLResponse
        return (String(decoding: data, as: UTF8.self), http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Content-Type"))
    }

    @Test func servesMetricsRefreshedPerScrapeAndPagesThenStops() async throws {
        let recorder = MetricsRecorder()
        let scrapes = Scrapes()
        let server = try await TelemetryServer.start(
            host: "127.0.0.1", port: 0, recorder: recorder,
            refresh: { await recorder.total(.roundsCompleted, await scrapes.next()) },
            pages: [.init(path: "/api/state", contentType: "application/json") { #"{"ok":true}"# }],
            logger: Logger(label: "test"))
        #expect(server.port > 0 && server.url == "http://127.0.0.1:\(server.port)")

        let first = try await get(server.url + "/metrics")
        #expect(first.status == 200 && first.type?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(first.body.contains("\nfedz_rounds_completed_total 1\n"))
        let second = try await get(server.url + "/metrics")
        #expect(second.body.contains("\nfedz_rounds_completed_total 2\n"), "each scrape refreshes first")
        let page = try await get(server.url + "/api/state")
        #expect(page.body == #"{"ok":true}"# && page.type == "application/json")
        #expect(try await get(server.url + "/nothing-here").status == 404)

        await server.stop()
        await #expect(throws: (any Error).self) { _ = try await get(server.url + "/metrics") }
    }

    @Test func aPortInUseIsAClearError() async throws {
        let first = try await TelemetryServer.start(
            host: "127.0.0.1", port: 0, recorder: MetricsRecorder(), refresh: {}, logger: Logger(label: "test"))
        let error = await #expect(throws: TelemetryError.self) {
            _ = try await TelemetryServer.start(
                host: "127.0.0.1", port: first.port, recorder: MetricsRecorder(), refresh: {}, logger: Logger(label: "test"))
        }
        #expect(error?.description.contains("cannot serve HTTP on 127.0.0.1:\(first.port)") == true, "\(String(describing: error))")
        await first.stop()
    }
}

/// Counts scrapes.
actor Scrapes {
    private var count = 0
    func next() -> Int {
        count += 1
        return count
    }
}
