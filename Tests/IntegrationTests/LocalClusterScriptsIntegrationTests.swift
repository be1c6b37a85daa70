import Foundation
import Testing

/// `deploy/local/*.sh` for real: a cluster of the built executables started by up.sh, looked
/// at with status.sh, hit with chaos.sh and scale.sh, stopped by down.sh — after which no
/// process it recorded may remain.
///
/// Each script's own deadlines bound how long it may take (up.sh: --ready-timeout for the
/// coordinator and the monitor; scale.sh: --grace and --join-timeout per restarted node); the
/// test gives it those plus 30 s, and waits for the run by its progress, not by the clock.
@Suite(.serialized, .timeLimit(.minutes(30)))
struct LocalClusterScriptsIntegrationTests {
    @Test func upStatusChaosScaleAndDownLeaveNoProcessBehind() async throws {
        let scripts = try ScriptRunner(label: "local-scripts")
        let runDirectory = scripts.workDirectory.appendingPathComponent("run")
        let run = ["--run-dir", runDirectory.path]
        let events = runDirectory.appendingPathComponent("logs/coordinator.out")
        var recorded: Set<Int32> = []
        func rememberPIDs() {
            let pids = runDirectory.appendingPathComponent("pids")
            for file in (try? FileManager.default.contentsOfDirectory(atPath: pids.path)) ?? [] {
                let text = (try? String(contentsOf: pids.appendingPathComponent(file), encoding: .utf8)) ?? ""
                if let pid = text.split(separator: "\n").first.flatMap({ Int32($0) }) { recorded.insert(pid) }
            }
        }
        func rounds() -> [String] {
            ((try? String(contentsOf: events, encoding: .utf8)) ?? "").split(separator: "\n")
                .filter { $0.contains("\"event\":\"round\"") }.map(String.init)
        }
        defer {
            // Whatever happened: down.sh, then SIGKILL by PID for anything it left.
            rememberPIDs()
            _ = try? scripts.run("local/down.sh", run + ["--grace", "2"], timeout: .seconds(30))
            for pid in recorded where ScriptRunner.isAlive(pid) { kill(pid, SIGKILL) }
        }

        // 3 nodes on free ports, 30 clients, 6 sampled per round (a round closes with 1): enough
        // rounds to outlast the changes below, each a second or two in a debug build.
        let up = try scripts.run(
            "local/up.sh",
            ["3", "--clients", "30", "--rounds", "20", "--fraction", "0.2", "--min-clients", "1", "--heartbeat-interval", "0.3",
             "--publish-port", "0", "--pull-port", "0", "--alerts-port", "0", "--max-nodes", "4"] + run
                + ["--", "--local-epochs", "1", "--batch-size", "10", "--lr", "0.05", "--round-timeout", "30"],
            timeout: .seconds(2 * 60 + 30))
        #expect(up.status == 0, "up.sh: \(up.output)")
        rememberPIDs()
        #expect(recorded.count == 5, "coordinator, monitor and 3 nodes recorded: \(up.output)")
        try #require(up.status == 0)

        try await scripts.waitUntil("round 1 ends", within: .seconds(180)) { !rounds().isEmpty }
        let status = try scripts.run("local/status.sh", run)
        #expect(status.status == 0)
        for name in ["coordinator", "monitor", "node-0", "node-1", "node-2"] {
            #expect(status.output.contains(try Regex("process: \(name) +pid [0-9]+ +alive")), "\(name) alive: \(status.output)")
        }
        #expect(status.output.contains(try Regex("round: [1-9]")), "\(status.output)")
        #expect(status.output.contains(try Regex("accuracy: 0\\.[0-9]+")), "\(status.output)")
        #expect(status.output.contains(try Regex("production version: [0-9]+")), "\(status.output)")

        // Scaling to 4 adds node-3 and restarts node-0 … node-2 with the new count, one by one.
        let scale = try scripts.run("local/scale.sh", ["4", "--grace", "5"] + run, timeout: .seconds(3 * (5 + 60) + 30))
        #expect(scale.status == 0, "\(scale.output)")
        rememberPIDs()
        let scaled = try scripts.run("local/status.sh", run)
        for name in ["node-0", "node-1", "node-2", "node-3"] {
            #expect(scaled.output.contains(try Regex("process: \(name) +pid [0-9]+ +alive")), "\(name) alive: \(scaled.output)")
        }

        // A node killed by its recorded PID: status sees it dead, the run goes on without it.
        let kill = try scripts.run("local/chaos.sh", ["kill", "node-1"] + run)
        #expect(kill.status == 0, "\(kill.output)")
        let afterKill = try scripts.run("local/status.sh", run)
        #expect(afterKill.output.contains(try Regex("process: node-1 +pid [0-9]+ +dead")), "\(afterKill.output)")

        // The run still finishes every round.
        try await scripts.waitUntil("the run finishes", stallingAtMost: .seconds(120), progress: { rounds().count }) {
            ((try? String(contentsOf: events, encoding: .utf8)) ?? "").contains("\"event\":\"finished\"")
        }
        #expect(rounds().count == 20, "\(rounds().count) rounds")
        let finished = try scripts.run("local/status.sh", run)
        #expect(finished.output.contains("finished: yes"), "\(finished.output)")
        #expect(finished.output.contains("round: 20"), "\(finished.output)")

        let down = try scripts.run("local/down.sh", run + ["--grace", "5"], timeout: .seconds(60))
        #expect(down.status == 0, "\(down.output)")
        try await scripts.waitUntil("every recorded process is gone", within: .seconds(10)) {
            recorded.allSatisfy { !ScriptRunner.isAlive($0) }
        }
        let leftover = try FileManager.default.contentsOfDirectory(atPath: runDirectory.appendingPathComponent("pids").path)
        #expect(leftover.isEmpty, "PID files left: \(leftover)")
        try? FileManager.default.removeItem(at: scripts.workDirectory)
    }
}
