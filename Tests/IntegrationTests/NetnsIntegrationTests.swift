import Foundation
import Testing

/// `deploy/netns/run.sh`: the coordinator and monitor in one network namespace, the nodes in
/// two others ("hosts" on 10.77.0.0/24, joined by veth pairs), running the built executables.
/// Needs root with CAP_NET_ADMIN; without it the test fails and says so.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct NetnsIntegrationTests {
    @Test func nodesOnOtherHostsJoinAndTrainAndEverythingIsRemoved() async throws {
        let scripts = try ScriptRunner(label: "netns")
        let runDirectory = scripts.workDirectory.appendingPathComponent("run")
        let process = try scripts.start(
            "netns/run.sh",
            ["--hosts", "2", "--clients", "20", "--rounds", "2", "--timeout", "150", "--run-dir", runDirectory.path,
             "--", "--local-epochs", "1", "--batch-size", "10", "--fraction", "0.1", "--min-clients", "2",
             "--round-timeout", "60"],
            log: "netns.log")
        let prefix = "fedz\(process.processIdentifier)-"
        let deadline = ContinuousClock.now + .seconds(200)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning {
            // SIGTERM lets the script's trap stop its processes and delete its namespaces.
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        let output = scripts.read("netns.log")
        try #require(
            process.terminationStatus != 2,
            "network namespaces cannot be created here (needs root with CAP_NET_ADMIN): \(output)")
        #expect(process.terminationStatus == 0, "netns/run.sh: \(output)")

        let events = (try? String(contentsOf: runDirectory.appendingPathComponent("logs/coordinator.out"), encoding: .utf8)) ?? ""
        #expect(events.contains("\"event\":\"finished\""), "the run finished: \(output)")
        let rounds = events.split(separator: "\n").filter { $0.contains("\"event\":\"round\"") }
        #expect(rounds.count == 2, "two rounds: \(events)")
        for round in rounds {
            #expect(round.contains(try Regex("\"participants\":[1-9]")), "nodes on the other hosts trained: \(round)")
        }
        // Both node hosts joined: the coordinator registered the clients of both nodes.
        let coordinatorLog = (try? String(contentsOf: runDirectory.appendingPathComponent("logs/coordinator.log"), encoding: .utf8)) ?? ""
        let joined = coordinatorLog.split(separator: "\n").filter { $0.contains("node joined") }
        for node in ["node-0", "node-1"] {
            #expect(joined.contains { $0.contains("fedz.node=\(node) ") }, "\(node) joined: \(joined)")
        }
        #expect(output.contains("\"event\":\"netns_summary\""), "\(output)")

        // Nothing of the run remains: no namespace, no process.
        let list = Process()
        list.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        list.arguments = ["netns", "list"]
        let pipe = Pipe()
        list.standardOutput = pipe
        try list.run()
        let namespaces = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        list.waitUntilExit()
        #expect(!namespaces.contains(prefix), "namespaces left: \(namespaces)")
        let pids = runDirectory.appendingPathComponent("pids")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: pids.path)) ?? []).isEmpty, "PID files left")
        if process.terminationStatus == 0 { try? FileManager.default.removeItem(at: scripts.workDirectory) }
    }
}
