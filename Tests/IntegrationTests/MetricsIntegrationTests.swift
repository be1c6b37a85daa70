import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Prometheus metrics over real HTTP: a short `fedz run` that stays up after its rounds; the
/// coordinator's, a node's and the monitor's `/metrics` are fetched, checked by `promtool check
/// metrics`, and their values compared with what the run did. Garbage on the HTTP port is
/// answered or dropped without taking the process down.
@Suite(.serialized, .timeLimit(.minutes(30)))
struct MetricsIntegrationTests {
    let binDirectory: URL = try! ClusterHarness.findBinDirectory()

    @Test func everyProcessServesValidMetricsThatMatchTheRun() async throws {
        let promtool = try #require(
            Self.which("promtool"), "promtool is not installed: deploy/install-deps.sh installs it (Debian package prometheus)")
        let run = try FedzRunProcess(
            ["--nodes", "2", "--clients", "20", "--fraction", "0.5", "--local-epochs", "1", "--rounds", "2", "--seed", "2",
             "--linger", "120"],
            binDirectory: binDirectory)
        defer { run.tearDown() }
        let urls = try await run.waitForLine(containing: "dashboard: http://", silentAtMost: .seconds(120))
        _ = try await run.waitForLine(containing: "all rounds done", silentAtMost: .seconds(240))
        func url(of name: String) throws -> URL {
            let pattern = try Regex("\(name) (http://[0-9.:]+/metrics)")
            let match = try #require(urls.firstMatch(of: pattern), "\(urls)")
            let text = try #require(match.output[1].substring)
            return try #require(URL(string: String(text)))
        }
        let printed = run.output.filter { $0.hasPrefix("round ") && $0.contains("test accuracy") }
        #expect(printed.count == 2, "\(run.output)")
        let lastAccuracy = try #require(printed.last?.firstMatch(of: /test accuracy ([0-9.]+) %/).flatMap { Double($0.output.1) })

        var samples: [String: [String: Double]] = [:]
        for name in ["coordinator", "monitor", "node-0"] {
            let (text, status) = try await Self.get(try url(of: name))
            #expect(status == 200, "\(name)")
            let check = try Self.run(promtool, ["check", "metrics"], input: text)
            #expect(check.status == 0, "promtool on \(name)'s metrics: \(check.output)\n\(text)")
            samples[name] = Self.samples(text)
        }

        let coordinator = try #require(samples["coordinator"])
        #expect(coordinator["fedz_rounds_completed_total"] == 2)
        #expect(coordinator["fedz_round_participants"] == 10)
        #expect(coordinator["fedz_live_nodes"] == 2)
        #expect(coordinator["fedz_registered_clients"] == 20)
        for phase in ["broadcast", "training", "collection", "aggregation", "recording", "handling", "evaluation"] {
            #expect(coordinator["fedz_round_phase_seconds_count{phase=\"\(phase)\"}"] == 2, "phase \(phase)")
        }
        let accuracy = try #require(coordinator["fedz_test_accuracy_ratio"])
        #expect(String(format: "%.2f", accuracy * 100) == String(format: "%.2f", lastAccuracy))
        #expect((coordinator["fedz_production_version"] ?? 0) >= 1)
        #expect((coordinator["fedz_received_bytes_total"] ?? 0) > 0 && (coordinator["fedz_sent_bytes_total"] ?? 0) > 0)

        let node = try #require(samples["node-0"])
        #expect((node["fedz_sent_bytes_total"] ?? 0) > 100_000, "a node sends model updates: \(node)")
        #expect((node["fedz_production_version"] ?? 0) >= 1)
        let field = try #require(node["fedz_field_accuracy_ratio{model=\"production\"}"], "\(node)")
        #expect((0...1).contains(field))

        let monitor = try #require(samples["monitor"])
        #expect(monitor["fedz_drift_alerts_total"] == 0)
        #expect((monitor["fedz_received_bytes_total"] ?? 0) > 0)

        // Garbage and unknown paths: the coordinator answers or drops them and keeps serving.
        let coordinatorURL = try url(of: "coordinator")
        try Self.sendRaw(Array("NOT HTTP AT ALL\r\n\u{0}\u{1}\u{2}\r\n\r\n".utf8), port: try #require(coordinatorURL.port))
        try Self.sendRaw(Array(("GET /" + String(repeating: "x", count: 100_000) + " HTTP/1.1\r\n\r\n").utf8),
                         port: try #require(coordinatorURL.port))
        #expect(try await Self.get(coordinatorURL.deletingLastPathComponent().appendingPathComponent("no-such-page")).status == 404)
        #expect(try await Self.get(coordinatorURL).status == 200)
        #expect(kill(try run.pid(of: "coordinator"), 0) == 0, "the coordinator still runs")
    }

    /// `name value` per sample line (`name{labels} value` keeps its labels in the key).
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    static func get(_ url: URL) async throws -> (text: String, status: Int) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return (String(decoding: data, as: UTF8.self), (response as? HTTPURLResponse)?.statusCode ?? 0)
    }

    /// Writes `bytes` to 127.0.0.1:`port` over a fresh TCP connection and closes it.
    static func sendRaw(_ bytes: [UInt8], port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect to \(port): errno \(errno)") }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        usleep(200_000)
    }

    static func which(_ command: String) -> String? {
        ["/usr/bin", "/bin", "/usr/local/bin"].map { "\($0)/\(command)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `executable` with `input` on its standard input; returns its status and output.
    static func run(_ executable: String, _ arguments: [String], input: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
